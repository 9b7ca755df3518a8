## Wszystko, co dłużnik czyta po polsku. Proste słowa, bez gróźb i bez żargonu; norweskie pojęcia
## prawne są wyjaśnione. SMS-y po polsku idą jako UCS-2 (70 znaków w jednej części, 67 w każdej
## części dłuższej wiadomości): są krótkie, żeby zmieściły się w dwóch częściach z pełnym linkiem.

## Messages (SMS: no curly quotes, dashes or emoji; Polish letters make them UCS-2)
reminder-sms = {$creditor}: rachunek {$amount} do {$due}. Zapłać: {$link}
reminder-email-subject = Nieopłacony rachunek od {$creditor}
reminder-email-body =
    Dzień dobry, {$name},

    masz nieopłacony rachunek od {$creditor} na kwotę {$amount}, z terminem płatności {$due}.

    Na tej stronie zobaczysz, z czego składa się kwota, możesz ją zapłacić albo poprosić o więcej czasu, jeśli go potrzebujesz:
    {$link}

    Jeśli rachunek jest już zapłacony, zignoruj tę wiadomość.

    Z pozdrowieniami
    {$agency}

## Case page
page-title = Twoja sprawa u {$creditor}
amount-due-label = Do zapłaty
due-date-label = Termin płatności
reference-label = Numer sprawy
creditor-label = Wierzyciel
collected-by = Tę sprawę prowadzi {$agency} w imieniu {$creditor}.
breakdown-heading = Z czego składa się kwota
claim-principal = Należność główna
claim-interest = Odsetki
claim-fee = Opłata
total-label = Razem
interest-accrued-label = Odsetki za opóźnienie naliczone do dziś
interest-accrued-per-day = Rosną o {$amount} dziennie, dopóki należność nie zostanie zapłacona
breakdown-paid = Zapłacono {$date}
breakdown-left = Pozostało do zapłaty
pay-bank-heading = Zapłać przelewem
pay-bank-account = Numer konta
pay-bank-kid = KID (numer referencyjny płatności)
pay-bank-amount = Kwota
pay-bank-help = Wpisz numer KID, gdy płacisz w bankowości internetowej. Wtedy wpłata zostanie automatycznie przypisana do Twojej sprawy.
help-heading = Nie możesz teraz zapłacić całości?
help-body = Możesz nam o tym spokojnie powiedzieć. Skontaktuj się z {$agency}, a razem znajdziemy rozwiązanie.
contact-heading = Kontakt z {$agency}
contact-phone = Telefon
contact-email = E-mail
contact-hours = Godziny otwarcia
status-paid = Ta sprawa jest zapłacona. Dziękujemy!
status-closed = Ta sprawa jest zamknięta. Nie musisz już nic robić.
switch-language = Język
footer-secure = Ta strona pokazuje tylko Twoją sprawę. Nie udostępniaj nikomu linku.

receipt-deferral-sms = {$creditor}: masz więcej czasu. Nowy termin: {$due}. Sprawa: {$link}
receipt-deferral-email-subject = Masz więcej czasu u {$creditor}
receipt-deferral-email-body =
    Dzień dobry, {$name},

    masz więcej czasu. Nowy termin płatności to {$due}, a kwota wynosi {$amount}.

    Twoja sprawa: {$link}

    Z pozdrowieniami
    {$agency}
receipt-plan-sms = {$creditor}: plan przyjęty. 1. rata {$amount} do {$due}: {$link}
receipt-plan-email-subject = Plan spłaty z {$creditor} został przyjęty
receipt-plan-email-body =
    Dzień dobry, {$name},

    Twój plan spłaty został przyjęty. Pierwsza rata to {$amount}, z terminem {$due}. Każda rata ma własny numer KID, który znajdziesz w planie.

    Plan znajdziesz tutaj: {$link}

    Z pozdrowieniami
    {$agency}

request-declined-sms = Odpowiedź {$agency} na Twoją prośbę ({$creditor}): {$link}
request-declined-email-subject = Odpowiedź na Twoją prośbę w sprawie od {$creditor}
request-declined-email-body =
    Dzień dobry, {$name},

    Twoja prośba została rozpatrzona. Odpowiedź i to, co możesz zrobić dalej, znajdziesz tutaj:
    {$link}

    Z pozdrowieniami
    {$agency}
dispute-upheld-sms = {$agency}: sprawa od {$creditor} jest zamknięta. Nie musisz nic robić. {$link}
dispute-upheld-email-subject = Sprawa od {$creditor} jest zamknięta
dispute-upheld-email-body =
    Dzień dobry, {$name},

    Twój sprzeciw został rozpatrzony, a sprawa jest zamknięta. Nie musisz już nic robić.
    {$link}

    Z pozdrowieniami
    {$agency}
note-heading = Wiadomość od {$agency}

## Self-service on the case page
actions-heading = Co chcesz zrobić?
action-pay = Zapłać całą kwotę
action-more-time = Poproś o więcej czasu
action-plan = Rozłóż na raty
action-dispute = Nie zgadzam się albo rachunek jest już zapłacony
partial-payment = Możesz też zapłacić teraz część, co najmniej {$min}. Użyj tego samego numeru konta i KID.
pending-review = Mamy Twoją prośbę. {$agency} odpowie w ciągu tygodnia.
waiting-title = Twoja prośba czeka na odpowiedź
waiting-deferral = W dniu {$since} poproszono o nowy termin płatności: {$date}.
waiting-plan = W dniu {$since} poproszono o spłatę w {$months} ratach po {$monthly}.
waiting-dispute = W dniu {$since} zgłoszono, że się nie zgadzasz albo że już zapłacono.
waiting-body = {$agency} odpowie w ciągu tygodnia. Gdy dostaniesz odpowiedź, możesz poprosić o coś nowego.
status-disputed = Zgłoszono, że się nie zgadzasz albo że już zapłacono. Windykacja jest wstrzymana, dopóki {$agency} sprawdza sprawę. Odpowiedź dostaniesz w ciągu tygodnia.
plan-active-heading = Twój plan spłaty
plan-broken-heading = Twój plan spłaty się zakończył
plan-broken-text = Plan zakończył się {$date}, bo raty nie zostały zapłacone. To, co już zapłacono, zostało odliczone, a odsetki za miesiące, które już nie nastąpią, zostały usunięte. Możesz zapłacić resztę, poprosić o nowy plan albo powiedzieć nam, jeśli coś się nie zgadza.
plan-next-label = Następna rata ({$number} z {$count})
plan-next-late = Termin tej raty minął {$date}. Zapłać ją jak najszybciej. Twój plan nadal obowiązuje.
plan-next-missed = Termin tej raty minął {$date} i nie jest ona jeszcze zapłacona. Zapłać ją jak najszybciej albo skontaktuj się z {$agency}, jeśli potrzebujesz pomocy.
plan-all-paid = Wszystkie raty są zapłacone. Dziękujemy!
instalment-heading = Rata {$number}
instalment-paid = Zapłacona
instalment-next = Następna do zapłaty
instalment-upcoming = Jeszcze przed terminem
instalment-late = Spóźniona
instalment-missed = Po terminie, niezapłacona
instalment-partly-paid = Zapłacono {$paid}, zostało {$left}
back = Wróć do sprawy
form-expired-title = Formularz wygasł
form-expired-body = Dla Twojego bezpieczeństwa otwórz sprawę jeszcze raz i spróbuj ponownie. Nic nie zostało zmienione.

more-time-title = Poproś o więcej czasu
more-time-current = Obecny termin płatności to {$date}.
more-time-intro = Wybierz nowy termin płatności. Terminy oznaczone „od razu” dostajesz od razu. Późniejsze terminy sprawdza {$agency}, a odpowiedź dostaniesz w ciągu tygodnia.
more-time-instant = od razu
more-time-review = do sprawdzenia
more-time-submit = Poproś o ten termin
more-time-legend = Nowy termin płatności
error-choose-date = Wybierz jeden z terminów z listy.

plan-title = Spłata w ratach
plan-intro = Możesz rozłożyć {$amount} na od {$min} do {$max} miesięcy. Najmniejsza rata to {$min_instalment}.
plan-months-label = Liczba miesięcy
plan-monthly-label = Albo wpisz, ile możesz płacić co miesiąc
plan-preview-submit = Pokaż plan
plan-preview-title = Twój plan
plan-col-number = Nr
plan-col-date = Termin
plan-col-amount = Kwota
plan-extra-cost = Plan kosztuje dodatkowo {$cost} (opłata {$fee}, odsetki {$interest}). Łącznie zapłacisz {$total}.
plan-no-extra-cost = Plan nie kosztuje nic dodatkowo. Łącznie zapłacisz {$total}.
plan-confirm = Akceptuję plan
plan-choose-other = Wybierz inny plan
error-amount = Wpisz kwotę, na przykład 500 albo 500,50.

dispute-title = Nie zgadzasz się albo już zapłacono?
dispute-intro = Napisz nam, co się nie zgadza. Dopóki to sprawdzamy, windykacja jest wstrzymana i nie wysyłamy przypomnień.
dispute-text-label = Co się nie zgadza?
dispute-paid-heading = Zapłacono już? Wpisz to, co wiesz.
dispute-paid-on = Data zapłaty
dispute-paid-amount = Zapłacona kwota
dispute-paid-reference = Użyty tytuł przelewu albo KID
dispute-submit = Wyślij do {$agency}
error-dispute-text = Napisz krótko, co się nie zgadza (najwyżej 2000 znaków).
error-date = Wpisz datę w formacie dd.mm.rrrr.
error-paid-on-future = Data nie może być późniejsza niż dzisiaj.
error-paid-on-before-claim = Data nie może być wcześniejsza niż {$earliest}: wtedy tej należności jeszcze nie było.
error-paid-amount-above-total = Kwota nie może być wyższa niż cała należność, {$total}.
dispute-received-title = Dziękujemy. Windykacja jest wstrzymana.
dispute-received-body = {$agency} przeczyta, co napisano, i odpowie w ciągu tygodnia. Do tego czasu nie musisz nic robić.

granted-deferral-title = Masz więcej czasu
granted-deferral-body = Nowy termin płatności to {$date}. Wyślemy Ci potwierdzenie.
granted-plan-title = Twój plan jest przyjęty
granted-plan-body = Pierwsza rata to {$amount}, z terminem {$date}. Każda rata ma własny numer KID. Wyślemy Ci potwierdzenie.
review-title = Mamy Twoją prośbę
review-body = {$agency} ją sprawdzi i odpowie w ciągu tygodnia. Do tego czasu nie musisz nic robić.
review-longer_than_auto_grant = To, o co prosisz, jest dłuższe niż to, co możemy przyznać od razu.
review-balance_outside_range = Przy tej kwocie sprawę musi sprawdzić człowiek.
refused-title = Tego nie możemy tutaj przyznać
refused-not_offered = Wierzyciel nie oferuje tego w tej sprawie.
refused-no_more_deferrals = W tej sprawie przyznano już { $granted ->
        [one] {$granted} odroczenie
        [few] {$granted} odroczenia
       *[many] {$granted} odroczeń
    }, a wierzyciel pozwala na {$max}.
refused-date_not_later = Wybrano {$asked}, ale nowy termin musi być późniejszy niż obecny, {$due}.
refused-too_long = To dłużej, niż pozwala wierzyciel.
refused-plan-too-long = Prośba dotyczy { $asked ->
        [one] {$asked} miesiąca
       *[other] {$asked} miesięcy
    }, a wierzyciel pozwala najwyżej na {$max}.
refused-deferral-too-long = Prośba dotyczy { $asked ->
        [one] {$asked} dnia
       *[other] {$asked} dni
    } więcej, a wierzyciel pozwala najwyżej na { $max ->
        [one] {$max} dzień
       *[other] {$max} dni
    }.
refused-instalment_too_small = Wtedy rata wynosiłaby {$asked} miesięcznie, mniej niż najmniejsza rata, {$min}.
refused-too_few_instalments = Plan musi mieć co najmniej 2 raty.
refused-nothing_owed = W tej sprawie nie ma nic do zapłaty.
offer-deferral = Możemy dać Ci czas do {$date}.
offer-plan = Najdłuższy plan, jaki możemy przyznać od razu, to { $months ->
        [one] {$months} miesiąc
        [few] {$months} miesiące
       *[many] {$months} miesięcy
    } po {$monthly} miesięcznie.
offer-accept = Tak, poproszę
refused-contact = Jeśli potrzebujesz innego rozwiązania, skontaktuj się z {$agency}.

verify-title = Potwierdź, że to Ty
verify-intro = Zanim pokażemy sprawę, potwierdź, kim jesteś.
verify-postcode = Twój kod pocztowy
verify-birth-date = Twoja data urodzenia (dd.mm.rrrr)
verify-submit = Dalej
verify-wrong = To się nie zgadza. { $left ->
        [one] Została Ci {$left} próba.
        [few] Zostały Ci {$left} próby.
       *[many] Zostało Ci {$left} prób.
    }

## Errors
not-found-title = Ten link nie działa
not-found-body = Link mógł wygasnąć, zostać już wykorzystany albo źle wpisany. Jeśli masz od nas wiadomość, odpowiedz na nią albo skontaktuj się z nadawcą, a pomożemy.
too-many-title = Za dużo prób
too-many-body = Odczekaj chwilę i spróbuj ponownie.
too-many-locked-body = Odpowiedzi zbyt wiele razy nie zgadzały się z naszymi danymi, więc dla ochrony Twojej sprawy zamknęliśmy stronę na pewien czas. Otworzy się ponownie {$when}, {$date} o godzinie {$time}. Wtedy możesz spróbować jeszcze raz.
too-many-in-hours = za { $hours ->
        [one] godzinę
        [few] {$hours} godziny
       *[many] {$hours} godzin
    }
too-many-within-hour = za mniej niż godzinę
error-title = Coś poszło nie tak
error-body = Nie udało się teraz pokazać strony. Spróbuj ponownie za chwilę.

## Accessibility statement (linked from every page)
a11y-link = Dostępność
a11y-title = Dostępność stron o Twojej sprawie
a11y-intro = Chcemy, żeby każdy mógł korzystać ze stron o swojej sprawie: na małym telefonie, z dużym tekstem, z czytnikiem ekranu albo tylko z klawiaturą. Strony działają bez JavaScriptu.
a11y-tested-heading = Jak testujemy
a11y-tested-body = Przy każdej zmianie stron automatyczny test przechodzi przez każdą stronę i każdy formularz, z błędami i bez, w prawdziwej przeglądarce. Sprawdza strony narzędziem axe-core pod kątem WCAG 2.1 na poziomie AA, przy zwykłym tekście i przy tekście dwa razy większym, oraz sprawdza, czy nic nie jest szersze niż ekran telefonu o szerokości 320 pikseli.
a11y-limits-heading = Co nie jest jeszcze wystarczająco dobre
a11y-limits-body = Testy automatyczne nie znajdują wszystkiego, więc czytamy strony także sami. Strony są po norwesku (bokmål i nynorsk), angielsku, polsku i ukraińsku. SMS-y po polsku i ukraińsku są krótkie, bo każda część takiej wiadomości mieści mniej znaków.
a11y-contact-heading = Daj nam znać, jeśli coś nie działa
a11y-contact-body = Jeśli nie możesz czegoś zrobić na tych stronach, skontaktuj się z nadawcą wiadomości, a pomożemy Ci w inny sposób. Możesz też złożyć skargę do norweskiego urzędu ds. dostępności cyfrowej (Tilsynet for universell utforming).

## Dates (the month in the genitive, as after a day: "1 grudnia 2026")
month-1 = stycznia
month-2 = lutego
month-3 = marca
month-4 = kwietnia
month-5 = maja
month-6 = czerwca
month-7 = lipca
month-8 = sierpnia
month-9 = września
month-10 = października
month-11 = listopada
month-12 = grudnia
date-format = {$day} {$month} {$year}

## Payment receipts
receipt-payment-sms = {$creditor}: dziękujemy za wpłatę {$paid}. Zostało: {$amount}. {$link}
receipt-payment-email-subject = Otrzymaliśmy Twoją wpłatę dla {$creditor}
receipt-payment-email-body =
    Dzień dobry, {$name},

    dziękujemy! Otrzymaliśmy {$paid}. Pozostało do zapłaty {$amount}.

    Twoja sprawa: {$link}

    Z pozdrowieniami
    {$agency}
receipt-paid-sms = Dziękujemy! Sprawa od {$creditor} jest zapłacona. Nie musisz już nic robić. {$agency}
receipt-paid-email-subject = Sprawa od {$creditor} jest zapłacona
receipt-paid-email-body =
    Dzień dobry, {$name},

    dziękujemy! Otrzymaliśmy {$paid} i sprawa od {$creditor} jest teraz zapłacona. Nie musisz już nic robić.

    Z pozdrowieniami
    {$agency}

## Paying online
pay-online-heading = Zapłać teraz
pay-with-vipps = Zapłać {$amount} przez Vipps
pay-with-card = Zapłać {$amount} kartą
pay-part-link = Chcesz zapłacić część kwoty?
pay-title = Zapłać
pay-amount-label = Kwota, od {$min} do {$max}
pay-by-vipps = Zapłać przez Vipps
pay-by-card = Zapłać kartą
pay-error-amount = Wpisz kwotę od {$min} do {$max}.
pay-unavailable = Nie udało się teraz rozpocząć płatności. Spróbuj ponownie za chwilę albo zapłać przelewem.
paid-title = Dziękujemy za wpłatę
paid-part-body = Dziękujemy! Otrzymaliśmy wpłatę. W tej sprawie zostało do zapłaty {$left}. Dostaniesz potwierdzenie.
paid-confirming-title = Czekamy na potwierdzenie płatności
paid-confirming-body = Nie mamy jeszcze potwierdzenia płatności. Zwykle trwa to tylko kilka minut. Nie płać drugi raz.
paid-check-again = Sprawdź, czy płatność dotarła
paid-confirming-help = Jeśli minęła ponad godzina, a pieniądze zostały pobrane, skontaktuj się z {$agency}.
paid-failed-title = Płatność nie powiodła się
paid-failed-body = Żadne pieniądze nie zostały pobrane. Możesz spróbować ponownie, inną kartą, albo zapłacić przelewem.
paid-try-again = Spróbuj zapłacić ponownie
fake-title = Płatność testowa
fake-body = W wersji demonstracyjnej ta strona zastępuje {$method}. Żadne pieniądze nie są pobierane.
fake-approve = Zatwierdź {$amount}
fake-decline = Anuluj
declined-title = Płatność nie została dokończona
declined-body = Żadne pieniądze nie zostały pobrane. Możesz spróbować ponownie albo zapłacić przelewem.
method-vipps = Vipps
method-card = kartę

## Opting in and out
opt-in-sms = Znów dostaniesz SMS-y od {$agency} w sprawie od {$creditor}. Odpisz STOP, by je wyłączyć.
opt-in-email-subject = Znów SMS-y od {$agency}
opt-in-email-body =
    Dzień dobry, {$name},

    znów będziesz dostawać SMS-y od {$agency} w sprawie od {$creditor}. Jeśli chcesz je wyłączyć, odpisz na wiadomość STOP.

    Z pozdrowieniami
    {$agency}
unsubscribe-title = Wyłączyć e-maile od nas?
unsubscribe-body = Nie będziemy już wysyłać e-maili na adres {$address} w sprawach, które prowadzimy. Twoja sprawa się nie zmienia, a ważne informacje mogą nadal przychodzić SMS-em albo listem.
unsubscribe-button = Tak, wyłącz e-maile
unsubscribed-title = Nie dostaniesz już od nas e-maili
unsubscribed-body = Wyłączyliśmy e-maile na adres {$address}. Twoja sprawa się nie zmieniła: nadal możesz ją otworzyć z otrzymanej wiadomości.
# A form post larger than the server takes (only a tampered form gets there).
too-large-title = Wysłany tekst jest za długi
too-large-body = Formularz był za duży, żebyśmy mogli go przyjąć. Wróć, skróć tekst i spróbuj ponownie.

## Collection journey: one family per kind of step. `-sms` and `-email-*` are what is sent;
## `-notice` is the written notice itself, shown behind the link (an e-mail carries it in its
## body). Each Polish SMS fits two UCS-2 parts with a full link: check-config measures them
## (messaging.max_sms_segments_ucs2), and checks that each notice shows what the law requires.
journey-nudge-sms = {$creditor}: rachunek {$amount} nie jest opłacony. Zapłać tutaj: {$link}
journey-nudge-email-subject = Rachunek od {$creditor} nie jest jeszcze zapłacony
journey-nudge-email-body =
    Dzień dobry, {$name},

    widzimy, że rachunek od {$creditor} na kwotę {$amount}, z terminem {$due}, nie jest jeszcze zapłacony. Łatwo o tym zapomnieć.

    Tutaj możesz zapłacić albo poprosić o więcej czasu, jeśli go potrzebujesz:
    {$link}

    Jeśli rachunek jest już zapłacony, zignoruj tę wiadomość.

    Z pozdrowieniami
    {$agency}

journey-purring-sms = {$creditor} przypomina: zapłać {$amount} do {$deadline}: {$link}
journey-purring-email-subject = Przypomnienie: rachunek od {$creditor}
journey-purring-email-body =
    Dzień dobry, {$name},

    { journey-purring-notice }

    Sprawa i płatność: {$link}

    Z pozdrowieniami
    {$agency}
journey-purring-notice =
    Przypomnienie o nieopłaconym rachunku (purring)

    Nie otrzymaliśmy zapłaty za {$claim_for} od {$creditor}. Termin płatności rachunku minął {$due}.

    Do zapłaty: {$amount}
    Zapłać do: {$deadline}
    Numer konta: {$account}
    KID: {$kid}

    Kwota obejmuje opłatę za przypomnienie w wysokości {$fee}, na którą pozwala norweskie prawo. Na stronie sprawy zobaczysz, z czego składa się kwota.

    Jeśli nie możesz teraz zapłacić całości, na stronie sprawy możesz poprosić o więcej czasu albo rozłożyć kwotę na raty. Jeśli rachunek jest już zapłacony, zignoruj to przypomnienie.

journey-inkassovarsel-sms = {$creditor}: {$amount} do {$deadline}, uniknij windykacji: {$link}
journey-inkassovarsel-email-subject = Ważne: zapłać rachunek od {$creditor} do {$deadline}
journey-inkassovarsel-email-body =
    Dzień dobry, {$name},

    { journey-inkassovarsel-notice }

    Sprawa i płatność: {$link}

    Z pozdrowieniami
    {$agency}
journey-inkassovarsel-notice =
    Zawiadomienie o przekazaniu do windykacji (inkassovarsel)

    Rachunek za {$claim_for} od {$creditor} nadal nie jest zapłacony. Termin płatności minął {$due}.

    Do zapłaty: {$amount}
    W tym opłata za to zawiadomienie: {$fee}
    Zapłać do: {$deadline}
    Numer konta: {$account}
    KID: {$kid}

    Co to oznacza? Jeśli kwota nie zostanie zapłacona do {$deadline}, należność zostanie przekazana do windykacji (inkasso). Firma windykacyjna przejmie wtedy należność i może doliczyć dalsze koszty. Jeśli zapłacisz w terminie, tak się nie stanie.

    Płatność jest na czas, jeśli Twój bank otrzymał zlecenie płatności do tego terminu.

    Jeśli nie zgadzasz się z należnością albo potrzebujesz więcej czasu, napisz o tym na stronie sprawy. Sprawdzimy to, zanim cokolwiek dalej się wydarzy.

journey-betalingsoppfordring-sms = {$agency}: zapłać {$amount} do {$deadline} lub daj znać: {$link}
journey-betalingsoppfordring-email-subject = Wezwanie do zapłaty: należność od {$creditor}
journey-betalingsoppfordring-email-body =
    Dzień dobry, {$name},

    { journey-betalingsoppfordring-notice }

    Sprawa, płatność albo sprzeciw: {$link}

    Z pozdrowieniami
    {$agency}
journey-betalingsoppfordring-notice =
    Wezwanie do zapłaty (betalingsoppfordring)

    {$agency} prowadzi windykację należności od {$creditor} za {$claim_for}.

    Należność główna: {$principal}
    Kwoty dodatkowe (opłaty i odsetki): {$additional}
    Razem do zapłaty: {$amount}
    Odsetki za opóźnienie: {$interest_rate} rocznie, liczone od {$interest_from}

    Masz czas do {$deadline}, aby zapłacić albo zgłosić, że nie zgadzasz się z należnością.
    Numer konta: {$account}
    KID: {$kid}

    Jeśli należność nie zostanie zapłacona, a Ty nie zgłosisz sprzeciwu, może to oznaczać dalsze koszty i skierowanie sprawy do komisji pojednawczej (forliksrådet) albo do organu egzekucyjnego (namsmannen).

    Jeśli uważasz, że zrobiliśmy coś źle, masz prawo złożyć skargę i oddać sprawę do rozpatrzenia komisji odwoławczej (norweska ustawa o windykacji, inkassoloven § 22).

journey-final-notice-sms = {$creditor}: ostatnia prośba o {$amount} do {$deadline}: {$link}
journey-final-notice-email-subject = Ostatnie przypomnienie o rachunku od {$creditor}
journey-final-notice-email-body =
    Dzień dobry, {$name},

    { journey-final-notice-notice }

    Sprawa i płatność: {$link}

    Z pozdrowieniami
    {$agency}
journey-final-notice-notice =
    Ostatnie przypomnienie

    Rachunek od {$creditor} na kwotę {$amount} nadal nie jest zapłacony. Prosimy o zapłatę do {$deadline}.

    Numer konta: {$account}
    KID: {$kid}

    Jeśli jest Ci trudno albo nie zgadzasz się z należnością, napisz o tym na stronie sprawy. Chętnie razem znajdziemy rozwiązanie.

## Following up a payment plan: a reminder before an instalment, a friendly note when one is late, and when the plan has ended.
plan-reminder-sms = Rata {$number}/{$count}: {$amount} do {$due}, KID {$kid}: {$link}
plan-reminder-email-subject = Rata {$number} dla {$creditor}: termin {$due}
plan-reminder-email-body =
    Dzień dobry, {$name},

    przypominamy o racie {$number} z {$count} w Twoim planie spłaty z {$creditor}.

    Kwota: {$amount}
    Termin: {$due}
    Numer konta: {$account}
    KID: {$kid}

    Możesz też zapłacić na stronie sprawy: {$link}

    Jeśli rata jest już zapłacona, zignoruj tę wiadomość.

    Z pozdrowieniami
    {$agency}

plan-late-sms = Brak raty {$number} ({$amount}, {$due}). KID {$kid}: {$link}
plan-late-email-subject = Nie otrzymaliśmy raty {$number} dla {$creditor}
plan-late-email-body =
    Dzień dobry, {$name},

    nie odnotowaliśmy zapłaty raty {$number} w Twoim planie spłaty z {$creditor}, z terminem {$due}. Wpłata mogła minąć się z tą wiadomością; wtedy ją zignoruj.

    Kwota: {$amount}
    Numer konta: {$account}
    KID: {$kid}

    Możesz też zapłacić na stronie sprawy: {$link}

    Jeśli płacenie jest trudne, napisz o tym na stronie, a razem znajdziemy rozwiązanie.

    Z pozdrowieniami
    {$agency}

plan-broken-sms = Plan spłaty z {$creditor} zakończył się. Zostało {$amount}. Co dalej: {$link}
plan-broken-email-subject = Twój plan spłaty z {$creditor} się zakończył
plan-broken-email-body =
    Dzień dobry, {$name},

    Twój plan spłaty z {$creditor} zakończył się, ponieważ raty nie zostały zapłacone na czas.

    Oznacza to, że reszta należności, {$amount}, nie jest już rozłożona na raty. To, co już zapłacono, zostało odliczone. Odsetki za miesiące, które już nie nastąpią, zostały usunięte. Sprawa toczy się dalej ze zwykłymi przypomnieniami o płatności.

    Co możesz zrobić:
    - zapłacić całość albo część kwoty na konto {$account} z numerem KID {$kid} albo na stronie sprawy
    - poprosić o nowy plan na stronie sprawy
    - napisać nam, jeśli coś się nie zgadza albo jeśli jest Ci trudno

    Strona sprawy: {$link}

    Chętnie pomożemy znaleźć rozwiązanie.

    Z pozdrowieniami
    {$agency}

## Limited agreements and catching up on a plan
review-limited_agreement_ended = Okres ograniczonej umowy się skończył, więc pracownik ponownie przejrzy sprawę.
plan-limited-explain = To jest ograniczona umowa: przez {$months} mies. płacisz mniejsze raty, razem {$paid}. Potem zostanie {$left}, a {$agency} ponownie przejrzy sprawę. Jeśli raty będą płacone bez problemu, wspólnie ustalicie, jak spłacić resztę.
plan-limited-review = Wszystkie raty ograniczonej umowy są zapłacone. Dziękujemy! {$agency} ponownie przejrzy sprawę i skontaktuje się w sprawie pozostałej kwoty {$left}.
plan-pay-catch-up = Przyciski płacą to, co jest teraz do zapłaty: raty {$numbers}, razem {$amount}. Wtedy spłata znów przebiega zgodnie z harmonogramem.
plan-review-sms = Umowa z {$creditor}: okres minął. {$agency} przejrzy sprawę: {$link}
plan-review-email-subject = Ograniczona umowa z {$creditor}: okres się skończył
plan-review-email-body =
    Dzień dobry, {$name},

    Okres ograniczonej umowy z {$creditor} się skończył. Dziękujemy za zapłacone raty.

    Z należności zostało {$amount}. {$agency} ponownie przejrzy sprawę i skontaktuje się, aby ustalić, jak spłacić resztę. Do tego czasu nie musisz nic robić.

    Strona sprawy: {$link}

    Z poważaniem
    {$agency}

limited-ended-sms = Umowa z {$creditor} zakończyła się. Odpowiedź: {$link}
limited-ended-email-subject = Ograniczona umowa z {$creditor} zakończyła się
limited-ended-email-body =
    Dzień dobry, {$name},

    {$agency} ponownie przejrzał Twoją sprawę po okresie ograniczonej umowy z {$creditor}. Umowa się zakończyła.

    Do zapłaty zostało {$amount}. Na stronie sprawy możesz przeczytać odpowiedź, zapłacić lub poprosić o nowy plan spłaty: {$link}

    Jeśli płacenie jest trudne, napisz do nas na stronie sprawy, a razem znajdziemy rozwiązanie.

    Z poważaniem
    {$agency}

## The conversation with the agency
conversation-heading = Wiadomości do i od {$agency}
conversation-title = Napisz do nas
conversation-intro = Tutaj możesz napisać do {$agency}. Odpowiedź pojawi się na tej stronie, a gdy będzie gotowa, wyślemy Ci SMS albo e-mail.
conversation-from-you = Twoja wiadomość
conversation-from-agency = Odpowiedź od {$agency}
conversation-at = {$date}, godz. {$time}
conversation-by-sms = jako SMS
conversation-by-email = jako e-mail
conversation-all = Zobacz wszystkie wiadomości ({$count})
conversation-waiting = Czeka na odpowiedź
conversation-label = Twoja wiadomość
conversation-hint = Najwyżej {$max} znaków. Nie wpisuj haseł ani numerów kart.
conversation-submit = Wyślij do {$agency}
conversation-full = W tej sprawie nie można już dodać wiadomości. Zadzwoń do {$agency}.
error-conversation-empty = Napisz wiadomość, zanim ją wyślesz.
error-conversation-too-long = Wiadomość jest za długa: najwyżej {$max} znaków.
error-conversation-characters = Wiadomość zawiera znaki, których nie możemy wyświetlić. Usuń je i spróbuj ponownie.
conversation-answer-sms = Masz odpowiedź od {$agency}: {$link}
conversation-answer-email-subject = Masz odpowiedź od {$agency}
conversation-answer-email-body =
    Dzień dobry, {$name},

    {$agency} odpowiada na Twoją wiadomość w sprawie od {$creditor}. Odpowiedź jest na stronie sprawy: {$link}

    Z poważaniem
    {$agency}

## Documents
dispute-receipt-hint = PDF, JPEG albo PNG, najwyżej 10 MB.
dispute-receipt-label = Potwierdzenie albo inny dokument (nieobowiązkowo)
document-kind-agreement = umowa
document-kind-invoice = faktura
document-kind-letter = pismo
document-kind-other = dokument
document-kind-receipt = potwierdzenie
documents-heading = Dokumenty
documents-plan-file = plan-splaty
documents-plan-pdf = Plan spłaty jako PDF
error-receipt-too-large = Plik jest większy niż 10 MB. Wybierz mniejszy plik albo zrób zdjęcie w niższej rozdzielczości.
error-receipt-type = Plik musi być w formacie PDF, JPEG albo PNG. Wybierz inny plik.
plan-pdf-account = Numer konta: {$account}
plan-pdf-agency = Firma windykacyjna: {$agency}
plan-pdf-agreed = Uzgodniono: {$date}
plan-pdf-case-kid = KID sprawy: {$kid}
plan-pdf-col-kid = KID
plan-pdf-creditor = Wierzyciel: {$creditor}
plan-pdf-how = Każdą ratę wpłać na numer konta z numerem KID podanym przy tej racie.
plan-pdf-title = Plan spłaty
plan-pdf-total = Razem: {$total}

## The debtor's contact details (/case/contact), and the code that confirms a new number or address
details-link = Zmień numer telefonu, e-mail lub adres pocztowy
details-title = Twoje dane kontaktowe
details-intro = Tak {$agency} się z Tobą kontaktuje. Jeśli coś jest błędne lub się zmieniło, możesz to zmienić tutaj.
details-phone = Telefon komórkowy
details-email = E-mail
details-none = Nie podano
details-address = Adres pocztowy
details-address-saved = Zapisano: {$postcode} {$city}
details-new-phone = Nowy numer komórkowy
details-new-phone-hint = Wyślemy kod na nowy numer. Numer zmieni się, gdy wpiszesz tutaj kod.
details-new-email = Nowy adres e-mail
details-new-email-hint = Wyślemy kod na nowy adres. Adres zmieni się, gdy wpiszesz tutaj kod.
details-send-code = Wyślij kod
details-code-heading = Wpisz kod
details-code-sent = Wysłaliśmy kod na {$to}. Jest ważny przez {$minutes} minut.
details-code = Kod (6 cyfr)
details-confirm = Potwierdź
details-code-again = Kod nie dotarł? Sprawdź numer lub adres i wyślij nowy kod.
details-street = Ulica i numer
details-postcode = Kod pocztowy
details-city = Miejscowość
details-country = Kod kraju
details-country-hint = Dwie litery, na przykład NO dla Norwegii lub PL dla Polski.
details-save-address = Zapisz adres
details-done-code = Kod jest w drodze. Wpisz go poniżej, gdy dotrze.
details-done-phone = Twój numer komórkowy został zmieniony. Od teraz będziemy go używać.
details-done-email = Twój adres e-mail został zmieniony. Od teraz będziemy go używać.
details-done-address = Twój adres pocztowy został zapisany.
error-details-phone = To nie wygląda na numer komórkowy. Sprawdź go i spróbuj ponownie.
error-details-email = To nie wygląda na adres e-mail. Sprawdź go i spróbuj ponownie.
error-details-same = Tego numeru lub adresu już używamy.
error-details-too-many = W ciągu ostatniej doby poprosiłeś o {$max} kody. Nowy możesz zamówić po {$when}.
error-details-code-wrong = Kod jest niepoprawny. { $left ->
        [one] Możesz spróbować jeszcze raz.
       *[other] Możesz spróbować jeszcze {$left} razy.
    }
error-details-code-format = Kod ma 6 cyfr.
error-details-code-expired = Kod nie jest już ważny. Wyślij nowy kod.
error-details-street = Wpisz ulicę i numer, najwyżej 100 znaków.
error-details-postcode = Sprawdź kod pocztowy. W Norwegii ma 4 cyfry.
error-details-city = Wpisz miejscowość, najwyżej 50 znaków.
error-details-country = Wpisz kraj dwiema literami, na przykład NO.
contact-changed-sms = Na stronie sprawy w {$agency} podano nowy numer i ten już nie dostaje wiadomości. Jeśli to nie Ty, skontaktuj się z nami.
contact-changed-email-subject = Adres e-mail w {$agency} został zmieniony
contact-changed-email-body =
    Dzień dobry,

    na stronie sprawy w {$agency} podano nowy adres e-mail i ten adres nie dostaje już wiadomości w tej sprawie. Jeśli to Ty, nic nie musisz robić.

    Jeśli to nie Ty, jak najszybciej skontaktuj się z {$agency}, a {$agency} to poprawi.

    Z pozdrowieniami
    {$agency}
contact-code-sms = Twój kod od {$agency}: {$code}. Wpisz go na stronie sprawy. Nie prosiłeś o kod? Zignoruj tę wiadomość.
contact-code-email-subject = Twój kod od {$agency}
contact-code-email-body =
    Dzień dobry,

    Twój kod to {$code}. Wpisz go na stronie sprawy w ciągu 15 minut, aby otrzymywać wiadomości od {$agency} na ten adres.

    Nie prosiłeś o kod? Możesz zignorować tę wiadomość. Nic się nie zmieni.

    Z poważaniem
    {$agency}

## Wszystkie sprawy dłużnika w jednej agencji
others-heading = Twoje inne sprawy w {$agency}
others-intro = {$agency} prowadzi dla Ciebie także te sprawy. Możesz obejrzeć każdą z nich, zapłacić wszystkie albo poprosić o jeden plan dla wszystkich.
others-show = Zobacz sprawę od {$creditor}
others-total = Wszystkie Twoje sprawy razem: {$total}
others-pay-all = Zapłać wszystkie
others-plan-all = Jeden plan dla wszystkich
all-pay-title = Zapłać wszystkie sprawy
all-pay-intro = Zapłać każdą sprawę z jej własnym numerem KID, aby każda wpłata trafiła do właściwej sprawy. Wszystkie przelewy możesz zlecić naraz w banku internetowym.
all-pay-plan = Ta sprawa ma plan spłaty. Płać raty tak, jak podano na jej stronie.
all-pay-total = Razem: {$total}
all-plan-title = Jeden plan dla wszystkich Twoich spraw
all-plan-intro = Wybierz, ilu miesięcy potrzebujesz. Każda sprawa dostanie własny plan z taką liczbą miesięcznych rat. O każdym planie decydują zasady danego wierzyciela: niektóre można uzgodnić od razu, inne sprawdzi {$agency}.
all-plan-months-error = Liczba miesięcy: wpisz liczbę całkowitą od 1 do 240.
all-plan-preview-title = Twoje plany
all-plan-would-grant = Można uzgodnić od razu: {$months} rat po {$monthly}, pierwsza płatna {$date}.
all-plan-would-review = {$agency} musi to sprawdzić. Odpowiedź otrzymasz w ciągu tygodnia.
all-plan-confirm = Poproś o te plany
all-plan-none = Żadna z Twoich spraw nie może mieć takiego planu. Wybierz inną liczbę miesięcy albo skontaktuj się z {$agency}.
all-plan-done-title = Twoje plany
all-plan-granted = Uzgodniono: {$months} rat po {$monthly}, pierwsza płatna {$date}. Wyślemy Ci potwierdzenie.
all-plan-review = Wysłano do {$agency}. Odpowiedź otrzymasz w ciągu tygodnia.
all-plan-has-plan = Ta sprawa ma już plan spłaty. Pozostaje bez zmian.
all-plan-waiting = Prośba w tej sprawie czeka na {$agency}. Nie można prosić o nic więcej, dopóki nie odpowiedzą.
all-plan-failed = Nie udało się teraz obsłużyć tej sprawy. Nic w niej nie zmieniono. Spróbuj ponownie za chwilę.
