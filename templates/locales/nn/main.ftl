## Alt ein skuldnar les på nynorsk. Enkle ord, ingen truslar, ingen faguttrykk utan forklaring.

## Messages (SMS must stay within GSM-7: no curly quotes, dashes or emoji)
reminder-sms = Hei! Du har ei ubetalt rekning frå {$creditor} på {$amount}, forfall {$due}. Sjå saka, betal eller be om meir tid her: {$link}
reminder-email-subject = Ubetalt rekning frå {$creditor}
reminder-email-body =
    Hei {$name},

    Du har ei ubetalt rekning frå {$creditor} på {$amount}, med forfall {$due}.

    På denne sida kan du sjå kva beløpet er sett saman av, betale, eller be om meir tid om du treng det:
    {$link}

    Har du alt betalt, kan du sjå bort frå denne meldinga.

    Venleg helsing
    {$agency}

## Case page
page-title = Saka di hos {$creditor}
amount-due-label = Å betale
due-date-label = Forfallsdato
reference-label = Saksnummer
creditor-label = Kreditor
collected-by = Saka blir følgd opp av {$agency} på vegner av {$creditor}.
breakdown-heading = Dette er beløpet sett saman av
claim-principal = Hovudstol
claim-interest = Renter
claim-fee = Gebyr
total-label = Totalt
interest-accrued-label = Forseinkingsrente påløpt til i dag
interest-accrued-per-day = Aukar med {$amount} per dag til kravet er betalt
breakdown-paid = Betalt {$date}
breakdown-left = Att å betale
pay-bank-heading = Betal med bankoverføring
pay-bank-account = Kontonummer
pay-bank-kid = KID
pay-bank-amount = Beløp
pay-bank-help = Skriv inn KID-nummeret når du betaler i nettbanken. Då blir betalinga registrert på saka di automatisk.
help-heading = Kan du ikkje betale alt no?
help-body = Det er heilt i orden å seie frå. Ta kontakt med {$agency}, så finn vi ei løysing saman.
contact-heading = Kontakt {$agency}
contact-phone = Telefon
contact-email = E-post
contact-hours = Ope
status-paid = Denne saka er betalt. Takk!
status-closed = Denne saka er avslutta. Du treng ikkje gjere noko meir.
switch-language = Språk
footer-secure = Sida viser berre saka di. Ikkje del lenkja med andre.

receipt-deferral-sms = Stadfesting frå {$creditor}: Du har fått utsetjing. Ny forfallsdato er {$due}. Sjå saka her: {$link}
receipt-deferral-email-subject = Du har fått utsetjing hos {$creditor}
receipt-deferral-email-body =
    Hei {$name},

    Du har fått utsetjing. Ny forfallsdato er {$due}, og beløpet er {$amount}.

    Sjå saka her: {$link}

    Venleg helsing
    {$agency}
receipt-plan-sms = Stadfesting frå {$creditor}: Nedbetalingsavtalen er klar. Første avdrag er {$amount} med forfall {$due}. Sjå planen her: {$link}
receipt-plan-email-subject = Nedbetalingsavtalen med {$creditor} er klar
receipt-plan-email-body =
    Hei {$name},

    Nedbetalingsavtalen er klar. Første avdrag er {$amount} med forfall {$due}. Kvart avdrag har sitt eige KID-nummer, som du finn i planen.

    Sjå planen her: {$link}

    Venleg helsing
    {$agency}

request-declined-sms = {$agency} har sett på førespurnaden din om saka frå {$creditor}. Les svaret her: {$link}
request-declined-email-subject = Svar på førespurnaden din om saka frå {$creditor}
request-declined-email-body =
    Hei {$name},

    {$agency} har sett på førespurnaden din. Du kan lese svaret og sjå kva du kan gjere vidare her:
    {$link}

    Venleg helsing
    {$agency}
dispute-upheld-sms = {$agency} har sett på innseiinga di om saka frå {$creditor} og avslutta saka. Du treng ikkje gjere noko meir. {$link}
dispute-upheld-email-subject = Saka frå {$creditor} er avslutta
dispute-upheld-email-body =
    Hei {$name},

    {$agency} har sett på innseiinga di og avslutta saka. Du treng ikkje gjere noko meir.
    {$link}

    Venleg helsing
    {$agency}
note-heading = Melding frå {$agency}

## Self-service on the case page
actions-heading = Kva vil du gjere?
action-pay = Betale heile beløpet
action-more-time = Be om meir tid
action-plan = Dele opp i avdrag
action-dispute = Eg er ueinig, eller har alt betalt
partial-payment = Du kan òg betale ein del no, minst {$min}. Bruk same kontonummer og KID.
pending-review = Vi har fått førespurnaden din. {$agency} svarer deg innan ei veke.
waiting-title = Førespurnaden din ventar på svar
waiting-deferral = Du bad om ny forfallsdato {$date} den {$since}.
waiting-plan = Du bad om å betale i {$months} avdrag på {$monthly} den {$since}.
waiting-dispute = Du sa frå at du er ueinig eller har betalt den {$since}.
waiting-body = {$agency} svarer deg innan ei veke. Du kan be om noko nytt når du har fått svar.
status-disputed = Du har sagt frå at du er ueinig eller har betalt. Vi har stansa innkrevjinga medan {$agency} ser på saka, og du får svar innan ei veke.
plan-active-heading = Nedbetalingsavtalen din
plan-broken-heading = Nedbetalingsavtalen er avslutta
plan-broken-text = Avtalen vart avslutta {$date} fordi avdrag ikkje vart betalte. Det du har betalt, er trekt frå, og renter for dei månadene som ikkje kjem, er tekne bort. Du kan betale resten, be om ein ny avtale, eller seie frå om noko er feil.
plan-next-label = Neste avdrag ({$number} av {$count})
plan-next-late = Dette avdraget forfall {$date}. Betal det så snart du kan. Avtalen gjeld framleis.
plan-next-missed = Dette avdraget forfall {$date} og er ikkje betalt enno. Betal det så snart du kan, eller ta kontakt med {$agency} om du treng hjelp.
plan-all-paid = Alle avdraga er betalte. Takk!
instalment-heading = Avdrag {$number}
instalment-paid = Betalt
instalment-next = Neste å betale
instalment-upcoming = Ikkje forfalle enno
instalment-late = Forseinka
instalment-missed = Forfalle, ikkje betalt
instalment-partly-paid = {$paid} betalt, {$left} att
back = Tilbake til saka
form-expired-title = Skjemaet har gått ut
form-expired-body = Av omsyn til tryggleiken må du opne saka på nytt og prøve igjen. Ingenting er endra.

more-time-title = Be om meir tid
more-time-current = Forfallsdatoen no er {$date}.
more-time-intro = Vel ein ny forfallsdato. Datoar merkte «med ein gong» får du med ein gong. Seinare datoar ser {$agency} på, og du får svar innan ei veke.
more-time-instant = med ein gong
more-time-review = blir vurdert
more-time-submit = Be om denne datoen
more-time-legend = Ny forfallsdato
error-choose-date = Vel ein av datoane i lista.

plan-title = Betal i avdrag
plan-intro = Du kan dele opp {$amount} over {$min} til {$max} månader. Minste avdrag er {$min_instalment}.
plan-months-label = Tal på månader
plan-monthly-label = Eller skriv inn kor mykje du kan betale i månaden
plan-preview-submit = Vis planen
plan-preview-title = Slik blir planen din
plan-col-number = Nr.
plan-col-date = Forfall
plan-col-amount = Beløp
plan-extra-cost = Planen kostar {$cost} ekstra (gebyr {$fee}, renter {$interest}). Til saman betaler du {$total}.
plan-no-extra-cost = Planen kostar ingenting ekstra. Til saman betaler du {$total}.
plan-confirm = Godta planen
plan-choose-other = Vel ein annan plan
error-amount = Skriv eit beløp, til dømes 500 eller 500,50.

dispute-title = Ueinig, eller alt betalt?
dispute-intro = Fortel oss kva som er feil. Medan vi ser på saka, stansar vi innkrevjinga og sender ingen påminningar.
dispute-text-label = Kva er feil?
dispute-paid-heading = Har du betalt? Fyll ut om du veit det.
dispute-paid-on = Dato du betalte
dispute-paid-amount = Beløp du betalte
dispute-paid-reference = Referanse eller KID du brukte
dispute-submit = Send til {$agency}
error-dispute-text = Skriv kort kva som er feil (høgst 2000 teikn).
error-date = Skriv datoen som dd.mm.åååå.
error-paid-on-future = Datoen kan ikkje vere etter i dag.
error-paid-on-before-claim = Datoen kan ikkje vere før {$earliest}, for då fanst ikkje kravet enno.
error-paid-amount-above-total = Beløpet kan ikkje vere meir enn heile kravet, {$total}.
dispute-received-title = Takk. Vi har stansa innkrevjinga.
dispute-received-body = {$agency} ser på det du har skrive, og svarer deg innan ei veke. Du treng ikkje gjere noko før du høyrer frå oss.

granted-deferral-title = Du har fått meir tid
granted-deferral-body = Ny forfallsdato er {$date}. Du får ei stadfesting på melding.
granted-plan-title = Avtalen er klar
granted-plan-body = Første avdrag er {$amount} med forfall {$date}. Kvart avdrag har sitt eige KID-nummer. Du får ei stadfesting på melding.
review-title = Vi har fått førespurnaden din
review-body = {$agency} ser på han og svarer deg innan ei veke. Du treng ikkje gjere noko før du høyrer frå oss.
review-longer_than_auto_grant = Det du bad om, er lengre enn vi kan gi med ein gong.
review-balance_outside_range = For dette beløpet må ein person sjå på saka.
refused-title = Det kan vi dessverre ikkje gi her
refused-not_offered = Kreditor tilbyr ikkje dette for denne saka.
refused-no_more_deferrals = Saka har alt fått {$granted} utsetjingar, og kreditor tillèt {$max}.
refused-date_not_later = Du valde {$asked}, men den nye datoen må vere etter forfallsdatoen no, {$due}.
refused-too_long = Det er lengre enn kreditor tillèt.
refused-plan-too-long = Du bad om {$asked} månader, og kreditor tillèt høgst {$max}.
refused-deferral-too-long = Du bad om {$asked} dagar meir tid, og kreditor tillèt høgst {$max} dagar.
refused-instalment_too_small = Då blir avdraga {$asked} i månaden, mindre enn minstebeløpet på {$min}.
refused-too_few_instalments = Ein avtale må ha minst 2 avdrag.
refused-nothing_owed = Det er ikkje noko å betale på saka.
offer-deferral = Vi kan gi deg utsetjing til {$date}.
offer-plan = Den lengste planen vi kan gi med ein gong, er {$months} månader med {$monthly} i månaden.
offer-accept = Ja takk, det vil eg
refused-contact = Ta gjerne kontakt med {$agency} om du treng ei anna løysing.

verify-title = Stadfest at det er deg
verify-intro = Før vi viser saka, ber vi deg stadfeste kven du er.
verify-postcode = Postnummeret ditt
verify-birth-date = Fødselsdatoen din (dd.mm.åååå)
verify-submit = Hald fram
verify-wrong = Det stemde ikkje. Du har {$left} forsøk att.

## Errors
not-found-title = Lenkja verkar ikkje
not-found-body = Lenkja kan ha gått ut, vere brukt opp eller skriven inn feil. Har du fått ei melding frå oss, kan du svare på henne eller kontakte avsendaren, så hjelper vi deg.
too-many-title = For mange forsøk
too-many-body = Vent litt og prøv igjen.
too-many-locked-body = Svara stemde ikkje med det vi har for mange gonger, så vi har stengt sida ei stund for å verne saka di. Ho opnar igjen {$when}, {$date} klokka {$time}. Då kan du prøve på nytt.
too-many-in-hours = om {$hours} timar
too-many-within-hour = om under ein time
error-title = Noko gjekk gale
error-body = Vi klarte ikkje å vise sida akkurat no. Prøv igjen om litt.

## Accessibility statement (linked from every page)
a11y-link = Tilgjenge
a11y-title = Tilgjenge på sidene om saka di
a11y-intro = Vi vil at alle skal kunne bruke sidene om saka si: på ein liten telefon, med stor tekst, med skjermlesar eller berre med tastatur. Sidene verkar utan JavaScript.
a11y-tested-heading = Slik testar vi
a11y-tested-body = Kvar gong sidene blir endra, går ein automatisk test gjennom kvar side og kvart skjema, med og utan feil, i ein ekte nettlesar. Han sjekkar sidene med verktøyet axe-core mot krava i WCAG 2.1 nivå AA, med vanleg tekst og med dobbelt så stor tekst, og han sjekkar at ingenting blir breiare enn skjermen på ein telefon som er 320 pikslar brei.
a11y-limits-heading = Dette er ikkje godt nok enno
a11y-limits-body = Automatiske testar finn ikkje alt, så vi les òg sidene sjølve. Sidene finst på bokmål, nynorsk, engelsk, polsk og ukrainsk; tekstmeldingar på polsk og ukrainsk er korte, fordi kvar del av ei slik melding har plass til færre teikn.
a11y-contact-heading = Sei frå om noko ikkje verkar
a11y-contact-body = Får du ikkje til noko på sidene, ta kontakt med den som sende deg meldinga, så hjelper vi deg på ein annan måte. Du kan òg klage til Tilsynet for universell utforming.

## Dates
month-1 = januar
month-2 = februar
month-3 = mars
month-4 = april
month-5 = mai
month-6 = juni
month-7 = juli
month-8 = august
month-9 = september
month-10 = oktober
month-11 = november
month-12 = desember
date-format = {$day}. {$month} {$year}

## Payment receipts (SMS within GSM-7)
receipt-payment-sms = Takk! {$creditor} har fått {$paid}. Det som står att, er {$amount}. Sjå saka her: {$link}
receipt-payment-email-subject = Vi har fått betalinga di til {$creditor}
receipt-payment-email-body =
    Hei {$name},

    Takk! Vi har fått {$paid}. Det som står att å betale, er {$amount}.

    Sjå saka her: {$link}

    Venleg helsing
    {$agency}
receipt-paid-sms = Takk! Saka frå {$creditor} er betalt, og du treng ikkje gjere noko meir. Helsing {$agency}
receipt-paid-email-subject = Saka frå {$creditor} er betalt
receipt-paid-email-body =
    Hei {$name},

    Takk! Vi har fått {$paid}, og saka frå {$creditor} er no betalt. Du treng ikkje gjere noko meir.

    Venleg helsing
    {$agency}

## Paying online
pay-online-heading = Betal no
pay-with-vipps = Betal {$amount} med Vipps
pay-with-card = Betal {$amount} med kort
pay-part-link = Vil du betale ein del av beløpet?
pay-title = Betal
pay-amount-label = Beløp, frå {$min} til {$max}
pay-by-vipps = Betal med Vipps
pay-by-card = Betal med kort
pay-error-amount = Skriv eit beløp frå {$min} til {$max}.
pay-unavailable = Vi fekk ikkje starta betalinga akkurat no. Prøv igjen om litt, eller betal med bankoverføring.
paid-title = Takk for betalinga
paid-part-body = Takk! Vi har fått betalinga. Att å betale på saka er {$left}. Du får ei kvittering.
paid-confirming-title = Vi ventar på stadfesting av betalinga
paid-confirming-body = Vi har ikkje fått stadfesting av betalinga enno. Det tek vanlegvis berre nokre minutt. Ikkje betal ein gong til.
paid-check-again = Sjå om betalinga har kome
paid-confirming-help = Har det gått meir enn ein time, og pengane er trekte, ta kontakt med {$agency}.
paid-failed-title = Betalinga gjekk ikkje gjennom
paid-failed-body = Ingen pengar er trekte. Du kan prøve igjen, med eit anna kort, eller betale med bankoverføring.
paid-try-again = Prøv å betale igjen
fake-title = Testbetaling
fake-body = Denne sida står i staden for {$method} i demoen. Ingen pengar blir trekte.
fake-approve = Godkjenn {$amount}
fake-decline = Avbryt
declined-title = Betalinga vart ikkje fullført
declined-body = Ingen pengar er trekte. Du kan prøve igjen, eller betale med bankoverføring.
method-vipps = Vipps
method-card = kort

## Opting in and out (SMS within GSM-7)
opt-in-sms = Du får SMS frå {$agency} igjen om saka frå {$creditor}. Svar STOPP om du vil at dei skal stoppe.
opt-in-email-subject = SMS frå {$agency} igjen
opt-in-email-body =
    Hei {$name},

    Du får SMS frå {$agency} igjen om saka frå {$creditor}. Svar STOPP på ei melding om du vil at dei skal stoppe.

    Venleg helsing
    {$agency}
unsubscribe-title = Stoppe e-post frå oss?
unsubscribe-body = Vi sender ikkje fleire e-postar til {$address} om sakene vi følgjer opp. Saka di blir ikkje endra, og viktige beskjedar kan framleis kome på SMS eller brev.
unsubscribe-button = Ja, stopp e-postane
unsubscribed-title = Du får ikkje fleire e-postar frå oss
unsubscribed-body = Vi har stoppa e-post til {$address}. Saka di er ikkje endra: du kan framleis opne ho frå ei melding du har fått.
# A form post larger than the server takes (only a tampered form gets there).
too-large-title = Det du sende, er for langt
too-large-body = Skjemaet var for stort til at vi kunne ta imot det. Gå tilbake, gjer teksten kortare og prøv igjen.

## Collection journey: one family per kind of step. `-sms` and `-email-*` are what is sent;
## `-notice` is the written notice itself, shown behind the link (an e-mail carries it in its
## body). Each SMS fits one part (160 GSM-7 characters) with a full link: check-config measures
## them, and checks that each notice shows what the law requires it to say.
journey-nudge-sms = Hei! Rekninga på {$amount} frå {$creditor} er ikkje betalt. Betal eller be om meir tid: {$link}
journey-nudge-email-subject = Rekninga frå {$creditor} er ikkje betalt enno
journey-nudge-email-body =
    Hei {$name},

    Vi ser at rekninga frå {$creditor} på {$amount}, med forfall {$due}, ikkje er betalt enno. Det kan fort bli gløymt.

    Her kan du betale, eller be om meir tid om du treng det:
    {$link}

    Har du alt betalt, kan du sjå bort frå denne meldinga.

    Venleg helsing
    {$agency}

journey-purring-sms = Påminning frå {$creditor}: Betal {$amount} innan {$deadline}. Sjå saka: {$link}
journey-purring-email-subject = Påminning: rekning frå {$creditor}
journey-purring-email-body =
    Hei {$name},

    { journey-purring-notice }

    Sjå saka og betal her: {$link}

    Venleg helsing
    {$agency}
journey-purring-notice =
    Påminning om ubetalt rekning

    Vi har ikkje fått betaling for {$claim_for} frå {$creditor}. Rekninga hadde forfall {$due}.

    Å betale: {$amount}
    Betal innan: {$deadline}
    Kontonummer: {$account}
    KID: {$kid}

    Beløpet inkluderer eit purregebyr på {$fee}, slik lova tillèt. På sida for saka ser du kva beløpet er sett saman av.

    Kan du ikkje betale alt no, kan du be om meir tid eller dele opp beløpet på sida for saka. Har du alt betalt, kan du sjå bort frå denne påminninga.

journey-inkassovarsel-sms = {$creditor}: Betal {$amount} innan {$deadline}, så unngår du inkasso. Les meir: {$link}
journey-inkassovarsel-email-subject = Viktig: betal rekninga frå {$creditor} innan {$deadline}
journey-inkassovarsel-email-body =
    Hei {$name},

    { journey-inkassovarsel-notice }

    Sjå saka og betal her: {$link}

    Venleg helsing
    {$agency}
journey-inkassovarsel-notice =
    Varsel om inkasso

    Rekninga for {$claim_for} frå {$creditor} er framleis ikkje betalt. Rekninga hadde forfall {$due}.

    Å betale: {$amount}
    Av dette er gebyr for dette varselet: {$fee}
    Betal innan: {$deadline}
    Kontonummer: {$account}
    KID: {$kid}

    Kva tyder dette? Viss beløpet ikkje er betalt innan {$deadline}, blir kravet sendt til inkasso. Det tyder at eit inkassobyrå tek over kravet og kan leggje til fleire kostnader. Betaler du innan fristen, skjer ikkje det.

    Betalinga er i tide viss banken har fått betalingsoppdraget innan fristen.

    Er du ueinig i kravet, eller treng du meir tid, kan du seie frå på sida for saka. Då ser vi på det før noko meir skjer.

journey-betalingsoppfordring-sms = {$agency}: Betal {$amount} innan {$deadline} eller sei frå om du er ueinig: {$link}
journey-betalingsoppfordring-email-subject = Betalingsoppfordring: kravet frå {$creditor}
journey-betalingsoppfordring-email-body =
    Hei {$name},

    { journey-betalingsoppfordring-notice }

    Sjå saka, betal eller sei frå om du er ueinig her: {$link}

    Venleg helsing
    {$agency}
journey-betalingsoppfordring-notice =
    Betalingsoppfordring

    {$agency} følgjer opp eit krav frå {$creditor} for {$claim_for}.

    Hovudstol: {$principal}
    Tillegg (gebyr og renter): {$additional}
    Å betale i alt: {$amount}
    Forseinkingsrente: {$interest_rate} i året, rekna frå {$interest_from}

    Du har frist til {$deadline} til å betale eller til å seie frå viss du er ueinig i kravet.
    Kontonummer: {$account}
    KID: {$kid}

    Blir kravet ikkje betalt, og du ikkje seier frå, kan det føre til fleire kostnader og til at saka går vidare til forliksrådet eller namsmannen.

    Meiner du at vi har gjort noko gale, har du rett til å klage og få saka handsama av ei klagenemnd (inkassolova § 22).

journey-final-notice-sms = {$creditor}: Siste påminning. Betal {$amount} innan {$deadline} eller sei frå: {$link}
journey-final-notice-email-subject = Siste påminning om rekninga frå {$creditor}
journey-final-notice-email-body =
    Hei {$name},

    { journey-final-notice-notice }

    Sjå saka og betal her: {$link}

    Venleg helsing
    {$agency}
journey-final-notice-notice =
    Siste påminning

    Rekninga frå {$creditor} på {$amount} er framleis ikkje betalt. Vi ber deg betale innan {$deadline}.

    Kontonummer: {$account}
    KID: {$kid}

    Har du det vanskeleg, eller er du ueinig i kravet, sei frå på sida for saka. Vi finn gjerne ei løysing saman.

## Oppfølging av ein nedbetalingsavtale: påminning før eit avdrag, ei venleg melding når det er for seint, og når avtalen er avslutta.
plan-reminder-sms = Hei! Avdrag {$number} av {$count} til {$creditor}, {$amount}, forfell {$due}. KID {$kid}. Betal her: {$link}
plan-reminder-email-subject = Avdrag {$number} til {$creditor} forfell {$due}
plan-reminder-email-body =
    Hei {$name},

    Dette er ei påminning om avdrag {$number} av {$count} i nedbetalingsavtalen med {$creditor}.

    Beløp: {$amount}
    Forfall: {$due}
    Kontonummer: {$account}
    KID: {$kid}

    Du kan òg betale på sida for saka: {$link}

    Har du alt betalt, kan du sjå bort frå denne meldinga.

    Venleg helsing
    {$agency}

plan-late-sms = Hei! Vi har ikkje fått avdrag {$number} til {$creditor} ({$amount}, forfall {$due}). Betal med KID {$kid} eller her: {$link}
plan-late-email-subject = Vi har ikkje fått avdrag {$number} til {$creditor}
plan-late-email-body =
    Hei {$name},

    Vi har ikkje registrert betaling av avdrag {$number} i nedbetalingsavtalen med {$creditor}, som forfall {$due}. Det kan ha kryssa denne meldinga, og då kan du sjå bort frå henne.

    Beløp: {$amount}
    Kontonummer: {$account}
    KID: {$kid}

    Du kan òg betale på sida for saka: {$link}

    Blir det vanskeleg å betale, sei frå på sida, så finn vi ei løysing saman.

    Venleg helsing
    {$agency}

plan-broken-sms = Nedbetalingsavtalen med {$creditor} er avslutta fordi avdrag ikkje vart betalte. Resten er {$amount}. Sjå kva du kan gjere: {$link}
plan-broken-email-subject = Nedbetalingsavtalen med {$creditor} er avslutta
plan-broken-email-body =
    Hei {$name},

    Nedbetalingsavtalen med {$creditor} er avslutta, fordi avdrag ikkje vart betalte innan fristen.

    Det tyder at resten av kravet, {$amount}, ikkje lenger er delt opp i avdrag. Det du har betalt, er trekt frå. Renter for månader som ikkje kjem, er tekne bort. Saka går vidare med vanlege betalingspåminningar.

    Dette kan du gjere:
    - betale heile eller delar av beløpet til konto {$account} med KID {$kid}, eller på sida for saka
    - be om ein ny avtale på sida for saka
    - seie frå om noko er feil, eller om du har det vanskeleg

    Sida for saka: {$link}

    Vi hjelper deg gjerne med å finne ei løysing.

    Venleg helsing
    {$agency}

## Limited agreements and catching up on a plan
review-limited_agreement_ended = Perioden for den avgrensa avtalen din er over, så ein person ser på saka di på nytt.
plan-limited-explain = Dette er ein avgrensa avtale: Du betaler mindre avdrag i {$months} månader, til saman {$paid}. Etter det står {$left} att, og {$agency} ser på saka di på nytt. Har avdraga gått fint, kan de då avtale saman korleis resten skal betalast.
plan-limited-review = Alle avdraga i den avgrensa avtalen er betalte. Takk! {$agency} ser no på saka di på nytt og tek kontakt om dei {$left} som står att.
plan-pay-catch-up = Knappane betaler det som har forfalle no: avdrag {$numbers}, til saman {$amount}. Då er avtalen i rute igjen.
plan-review-sms = Perioden i den avgrensa avtalen med {$creditor} er over. {$agency} ser på saka igjen og tek kontakt: {$link}
plan-review-email-subject = Den avgrensa avtalen med {$creditor}: perioden er over
plan-review-email-body =
    Hei {$name},

    Perioden for den avgrensa avtalen med {$creditor} er over. Takk for avdraga du har betalt.

    Resten av kravet er {$amount}. {$agency} ser no på saka di på nytt og tek kontakt med deg om korleis resten kan betalast. Du treng ikkje gjere noko før du høyrer frå oss.

    Sida for saka: {$link}

    Venleg helsing
    {$agency}

limited-ended-sms = {$agency} har sett på den avgrensa avtalen med {$creditor}. Avtalen er avslutta. Les svaret og kva du kan gjere: {$link}
limited-ended-email-subject = Den avgrensa avtalen med {$creditor} er avslutta
limited-ended-email-body =
    Hei {$name},

    {$agency} har sett på saka di igjen etter perioden i den avgrensa avtalen med {$creditor}. Avtalen er no avslutta.

    {$amount} av kravet står att. På sakssida kan du lese svaret, betale eller be om ein ny nedbetalingsplan: {$link}

    Om det er vanskeleg å betale, skriv til oss på sakssida, så finn vi ei løysing saman.

    Venleg helsing
    {$agency}

## The conversation with the agency
conversation-heading = Meldingar til og frå {$agency}
conversation-title = Skriv til oss
conversation-intro = Her kan du skrive til {$agency}. Svaret kjem på denne sida, og vi sender deg ein SMS eller e-post når det er klart.
conversation-from-you = Du skreiv
conversation-from-agency = {$agency} svarte
conversation-at = {$date} kl. {$time}
conversation-by-sms = som SMS
conversation-by-email = som e-post
conversation-all = Sjå alle {$count} meldingane
conversation-waiting = Ventar på svar
conversation-label = Meldinga di
conversation-hint = Høgst {$max} teikn. Ikkje skriv passord eller kortnummer.
conversation-submit = Send til {$agency}
conversation-full = Det er ikkje plass til fleire meldingar i denne saka. Ring {$agency} i staden.
error-conversation-empty = Skriv ei melding før du sender ho.
error-conversation-too-long = Meldinga er for lang: høgst {$max} teikn.
error-conversation-characters = Meldinga har teikn vi ikkje kan vise. Fjern dei og prøv igjen.
conversation-answer-sms = Du har fått svar frå {$agency}: {$link}
conversation-answer-email-subject = Du har fått svar frå {$agency}
conversation-answer-email-body =
    Hei {$name},

    {$agency} har svart på meldinga di om saka frå {$creditor}. Du kan lese svaret på sidene for saka: {$link}

    Venleg helsing
    {$agency}

## Documents
dispute-receipt-hint = PDF, JPEG eller PNG, høgst 10 MB.
dispute-receipt-label = Kvittering eller anna dokument (valfritt)
document-kind-agreement = avtale
document-kind-invoice = faktura
document-kind-letter = brev
document-kind-other = dokument
document-kind-receipt = kvittering
documents-heading = Dokument
documents-plan-file = nedbetalingsplan
documents-plan-pdf = Nedbetalingsplanen som PDF
error-receipt-too-large = Fila er større enn 10 MB. Vel ei mindre fil, eller ta bilete med lågare oppløysing.
error-receipt-type = Fila må vere ein PDF, eit JPEG- eller eit PNG-bilete. Vel ei anna fil.
plan-pdf-account = Kontonummer: {$account}
plan-pdf-agency = Inkassobyrå: {$agency}
plan-pdf-agreed = Avtalt: {$date}
plan-pdf-case-kid = KID for saka: {$kid}
plan-pdf-col-kid = KID
plan-pdf-creditor = Kreditor: {$creditor}
plan-pdf-how = Betal kvart avdrag til kontonummeret med KID-en som står ved avdraget.
plan-pdf-title = Nedbetalingsplan
plan-pdf-total = Til saman: {$total}

## The debtor's contact details (/case/contact), and the code that confirms a new number or address
details-link = Endre telefonnummer, e-post eller postadresse
details-title = Kontaktopplysingane dine
details-intro = Slik når {$agency} deg. Viss noko er feil eller har endra seg, kan du endre det her.
details-phone = Mobil
details-email = E-post
details-none = Ikkje oppgitt
details-address = Postadresse
details-address-saved = Lagra: {$postcode} {$city}
details-new-phone = Nytt mobilnummer
details-new-phone-hint = Vi sender ein kode til det nye nummeret. Nummeret blir endra når du skriv inn koden her.
details-new-email = Ny e-postadresse
details-new-email-hint = Vi sender ein kode til den nye adressa. Adressa blir endra når du skriv inn koden her.
details-send-code = Send kode
details-code-heading = Skriv inn koden
details-code-sent = Vi har sendt ein kode til {$to}. Han gjeld i {$minutes} minutt.
details-code = Kode (6 siffer)
details-confirm = Stadfest
details-code-again = Kom ikkje koden? Sjekk nummeret eller adressa og send ein ny kode.
details-street = Gate og nummer
details-postcode = Postnummer
details-city = Poststad
details-country = Landkode
details-country-hint = To bokstavar, til dømes NO for Noreg eller PL for Polen.
details-save-address = Lagre adressa
details-done-code = Koden er på veg. Skriv han inn nedanfor når han kjem.
details-done-phone = Mobilnummeret ditt er endra. Vi bruker det frå no av.
details-done-email = E-postadressa di er endra. Vi bruker henne frå no av.
details-done-address = Postadressa di er lagra.
error-details-phone = Dette ser ikkje ut som eit mobilnummer. Sjekk det og prøv igjen.
error-details-email = Dette ser ikkje ut som ei e-postadresse. Sjekk henne og prøv igjen.
error-details-same = Dette er allereie nummeret eller adressa vi bruker.
error-details-too-many = Du har bede om {$max} kodar det siste døgeret. Du kan be om ein ny etter {$when}.
error-details-code-wrong = Koden er ikkje rett. { $left ->
        [one] Du kan prøve éin gong til.
       *[other] Du kan prøve {$left} gonger til.
    }
error-details-code-format = Koden er 6 siffer.
error-details-code-expired = Koden gjeld ikkje lenger. Send ein ny kode.
error-details-street = Skriv gate og nummer, høgst 100 teikn.
error-details-postcode = Sjekk postnummeret. I Noreg har det 4 siffer.
error-details-city = Skriv poststaden, høgst 50 teikn.
error-details-country = Skriv landet med to bokstavar, til dømes NO.
contact-changed-sms = Eit nytt nummer vart lagt inn på ei saksside hos {$agency}, og dette nummeret får ikkje lenger meldingar om saka. Var det deg, treng du ikkje gjere noko. Viss ikkje, ta kontakt med {$agency}.
contact-changed-email-subject = E-postadressa er bytt ut hos {$agency}
contact-changed-email-body =
    Hei,

    Ei ny e-postadresse vart lagd inn på ei saksside hos {$agency}, og denne adressa får ikkje lenger meldingar om saka. Var det deg, treng du ikkje gjere noko.

    Var det ikkje deg, ta kontakt med {$agency} så snart du kan, så rettar dei det.

    Venleg helsing
    {$agency}
contact-code-sms = Koden din frå {$agency} er {$code}. Skriv han inn på saksida for å bruke dette nummeret. Bad du ikkje om han? Då kan du sjå bort frå meldinga.
contact-code-email-subject = Koden din frå {$agency}
contact-code-email-body =
    Hei,

    Koden din er {$code}. Skriv han inn på saksida innan 15 minutt for å få meldingar frå {$agency} på denne adressa.

    Bad du ikkje om han? Då kan du sjå bort frå denne e-posten. Ingenting blir endra.

    Venleg helsing
    {$agency}

## Alle sakene til ein skuldnar hos eitt byrå
others-heading = Dei andre sakene dine hos {$agency}
others-intro = {$agency} har også desse sakene for deg. Du kan sjå på kvar av dei, betale alle, eller be om éin plan for alle.
others-show = Sjå saka frå {$creditor}
others-total = Alle sakene dine til saman: {$total}
others-pay-all = Betal alle
others-plan-all = Éin plan for alle
all-pay-title = Betal alle sakene dine
all-pay-intro = Betal kvar sak med sin eigen KID, så kvar betaling blir rekna på rett sak. Du kan leggje inn alle betalingane på ein gong i nettbanken.
all-pay-plan = Denne saka har ein nedbetalingsplan. Betal avdraga slik dei står på sida til saka.
all-pay-total = Til saman: {$total}
all-plan-title = Éin plan for alle sakene dine
all-plan-intro = Vel kor mange månader du treng. Kvar sak får sin eigen plan med så mange månadlege avdrag. Reglane til kvar kreditor avgjer planen: nokre kan avtalast med ein gong, andre ser {$agency} på.
all-plan-months-error = Tal på månader: skriv eit heilt tal frå 1 til 240.
all-plan-preview-title = Planane dine
all-plan-would-grant = Kan avtalast med ein gong: {$months} avdrag på {$monthly}, det første forfell {$date}.
all-plan-would-review = {$agency} må sjå på denne. Du får svar innan ei veke.
all-plan-confirm = Be om desse planane
all-plan-none = Ingen av sakene dine kan få ein slik plan. Vel eit anna tal på månader, eller kontakt {$agency}.
all-plan-done-title = Planane dine
all-plan-granted = Avtalt: {$months} avdrag på {$monthly}, det første forfell {$date}. Vi sender deg ei stadfesting.
all-plan-review = Sendt til {$agency}. Du får svar innan ei veke.
all-plan-has-plan = Denne saka har alt ein nedbetalingsplan. Han blir som han er.
all-plan-waiting = Ein førespurnad på denne saka ventar på {$agency}. Du kan ikkje be om meir før dei har svart.
all-plan-failed = Vi fekk ikkje handsama denne saka akkurat no. Ingenting er endra på henne. Prøv igjen om litt.
