## Усе, що боржник читає українською. Прості слова, без погроз і без жаргону; норвезькі юридичні
## поняття пояснено. SMS українською йдуть як UCS-2 (70 знаків в одній частині, 67 у кожній
## частині довшого повідомлення): вони короткі, щоб вміститися у дві частини з повним посиланням.

## Messages (SMS: Cyrillic is always UCS-2)
reminder-sms = {$creditor}: рахунок {$amount}, термін {$due}. Оплата: {$link}
reminder-email-subject = Несплачений рахунок від {$creditor}
reminder-email-body =
    Добрий день, {$name}!

    У Вас є несплачений рахунок від {$creditor} на суму {$amount}, термін оплати {$due}.

    На цій сторінці Ви побачите, з чого складається сума, зможете її сплатити або попросити більше часу, якщо потрібно:
    {$link}

    Якщо Ви вже сплатили, просто не зважайте на це повідомлення.

    З повагою
    {$agency}

## Case page
page-title = Ваша справа від {$creditor}
amount-due-label = До сплати
due-date-label = Термін оплати
reference-label = Номер справи
creditor-label = Кредитор
collected-by = {$agency} веде цю справу від імені {$creditor}.
breakdown-heading = З чого складається сума
claim-principal = Основна сума
claim-interest = Відсотки
claim-fee = Збір
total-label = Разом
interest-accrued-label = Відсотки за прострочення, нараховані на сьогодні
interest-accrued-per-day = Зростають на {$amount} щодня, доки борг не сплачено
breakdown-paid = Сплачено {$date}
breakdown-left = Залишилося сплатити
pay-bank-heading = Оплата банківським переказом
pay-bank-account = Номер рахунку
pay-bank-kid = KID (номер платежу)
pay-bank-amount = Сума
pay-bank-help = Вкажіть номер KID, коли платите в інтернет-банку. Тоді платіж автоматично зарахують до Вашої справи.
help-heading = Не можете сплатити все зараз?
help-body = Про це можна спокійно сказати. Зверніться до {$agency}, і ми разом знайдемо рішення.
contact-heading = Контакти {$agency}
contact-phone = Телефон
contact-email = Ел. пошта
contact-hours = Години роботи
status-paid = Цю справу сплачено. Дякуємо!
status-closed = Цю справу закрито. Вам більше нічого не потрібно робити.
switch-language = Мова
footer-secure = Ця сторінка показує лише Вашу справу. Будь ласка, не передавайте посилання іншим.

receipt-deferral-sms = {$creditor}: відстрочку надано, новий термін {$due}. {$link}
receipt-deferral-email-subject = Ви отримали більше часу від {$creditor}
receipt-deferral-email-body =
    Добрий день, {$name}!

    Ви отримали більше часу. Новий термін оплати {$due}, сума {$amount}.

    Ваша справа: {$link}

    З повагою
    {$agency}
receipt-plan-sms = {$creditor}: план погоджено. 1-й внесок {$amount} до {$due}: {$link}
receipt-plan-email-subject = План сплати з {$creditor} погоджено
receipt-plan-email-body =
    Добрий день, {$name}!

    Ваш план сплати погоджено. Перший внесок {$amount}, термін {$due}. Кожен внесок має власний номер KID, його вказано в плані.

    План: {$link}

    З повагою
    {$agency}

request-declined-sms = Відповідь {$agency} на Ваш запит ({$creditor}): {$link}
request-declined-email-subject = Відповідь на Ваш запит щодо справи від {$creditor}
request-declined-email-body =
    Добрий день, {$name}!

    Ваш запит розглянуто. Відповідь і те, що Ви можете зробити далі, є тут:
    {$link}

    З повагою
    {$agency}
dispute-upheld-sms = {$agency}: справу від {$creditor} закрито. Нічого робити не треба. {$link}
dispute-upheld-email-subject = Справу від {$creditor} закрито
dispute-upheld-email-body =
    Добрий день, {$name}!

    Ваше заперечення розглянуто, і справу закрито. Вам більше нічого не потрібно робити.
    {$link}

    З повагою
    {$agency}
note-heading = Повідомлення від {$agency}

## Self-service on the case page
actions-heading = Що Ви хочете зробити?
action-pay = Сплатити всю суму
action-more-time = Попросити більше часу
action-plan = Сплатити частинами
action-dispute = Заперечую, або рахунок уже сплачено
partial-payment = Ви також можете сплатити частину зараз, щонайменше {$min}. Використовуйте той самий номер рахунку і KID.
pending-review = Ми отримали Ваш запит. {$agency} відповість Вам протягом тижня.
waiting-title = Ваш запит чекає на відповідь
waiting-deferral = {$since} Ви попросили новий термін оплати: {$date}.
waiting-plan = {$since} Ви попросили сплатити { $months ->
        [one] {$months} внеском
        [few] {$months} внесками
       *[many] {$months} внесками
    } по {$monthly}.
waiting-dispute = {$since} Ви повідомили, що не згодні або вже сплатили.
waiting-body = {$agency} відповість Вам протягом тижня. Коли отримаєте відповідь, зможете попросити щось нове.
status-disputed = Ви повідомили, що не згодні або вже сплатили. Стягнення призупинено, поки {$agency} розглядає справу, і Ви отримаєте відповідь протягом тижня.
plan-active-heading = Ваш план сплати
plan-broken-heading = Ваш план сплати завершено
plan-broken-text = План завершено {$date}, бо внески не було сплачено. Те, що Ви вже сплатили, враховано, а відсотки за місяці, яких уже не буде, знято. Ви можете сплатити решту, попросити новий план або повідомити нам, якщо щось не так.
plan-next-label = Наступний внесок ({$number} з {$count})
plan-next-late = Термін цього внеску минув {$date}. Будь ласка, сплатіть його якнайшвидше. Ваш план і далі діє.
plan-next-missed = Термін цього внеску минув {$date}, і його ще не сплачено. Будь ласка, сплатіть його якнайшвидше або зверніться до {$agency}, якщо потрібна допомога.
plan-all-paid = Усі внески сплачено. Дякуємо!
instalment-heading = Внесок {$number}
instalment-paid = Сплачено
instalment-next = Наступний до сплати
instalment-upcoming = Термін ще не настав
instalment-late = Прострочено
instalment-missed = Прострочено, не сплачено
instalment-partly-paid = Сплачено {$paid}, залишилося {$left}
back = Назад до справи
form-expired-title = Термін дії форми минув
form-expired-body = Для Вашої безпеки відкрийте справу ще раз і спробуйте знову. Нічого не змінено.

more-time-title = Попросити більше часу
more-time-current = Поточний термін оплати {$date}.
more-time-intro = Виберіть новий термін оплати. Дати з позначкою «одразу» Ви отримуєте одразу. Пізніші дати розглядає {$agency}, і Ви отримаєте відповідь протягом тижня.
more-time-instant = одразу
more-time-review = розглядається
more-time-submit = Попросити цю дату
more-time-legend = Новий термін оплати
error-choose-date = Виберіть одну з дат у списку.

plan-title = Сплатити частинами
plan-intro = Ви можете розділити {$amount} на строк від {$min} до {$max} місяців. Найменший внесок {$min_instalment}.
plan-months-label = Кількість місяців
plan-monthly-label = Або вкажіть, скільки можете платити щомісяця
plan-preview-submit = Показати план
plan-preview-title = Ваш план
plan-col-number = №
plan-col-date = Термін
plan-col-amount = Сума
plan-extra-cost = План коштує додатково {$cost} (збір {$fee}, відсотки {$interest}). Загалом Ви сплатите {$total}.
plan-no-extra-cost = План не коштує нічого додатково. Загалом Ви сплатите {$total}.
plan-confirm = Погодитися на план
plan-choose-other = Вибрати інший план
error-amount = Вкажіть суму, наприклад 500 або 500,50.

dispute-title = Не згодні або вже сплатили?
dispute-intro = Напишіть нам, що не так. Поки ми це перевіряємо, стягнення призупинено і нагадування не надсилаються.
dispute-text-label = Що не так?
dispute-paid-heading = Ви вже сплатили? Заповніть те, що знаєте.
dispute-paid-on = Дата оплати
dispute-paid-amount = Сплачена сума
dispute-paid-reference = Призначення платежу або KID, який Ви вказали
dispute-submit = Надіслати до {$agency}
error-dispute-text = Коротко напишіть, що не так (не більше 2000 знаків).
error-date = Вкажіть дату у форматі дд.мм.рррр.
error-paid-on-future = Дата не може бути пізнішою за сьогодні.
error-paid-on-before-claim = Дата не може бути ранішою за {$earliest}: тоді цього боргу ще не було.
error-paid-amount-above-total = Сума не може бути більшою за весь борг, {$total}.
dispute-received-title = Дякуємо. Стягнення призупинено.
dispute-received-body = {$agency} розгляне те, що Ви написали, і відповість протягом тижня. До того Вам нічого не потрібно робити.

granted-deferral-title = Ви отримали більше часу
granted-deferral-body = Новий термін оплати {$date}. Ми надішлемо Вам підтвердження.
granted-plan-title = Ваш план погоджено
granted-plan-body = Перший внесок {$amount}, термін {$date}. Кожен внесок має власний номер KID. Ми надішлемо Вам підтвердження.
review-title = Ми отримали Ваш запит
review-body = {$agency} розгляне його і відповість протягом тижня. До того Вам нічого не потрібно робити.
review-longer_than_auto_grant = Ви просите більше, ніж ми можемо надати одразу.
review-balance_outside_range = За такої суми справу має переглянути людина.
refused-title = На жаль, тут ми не можемо цього надати
refused-not_offered = Кредитор не пропонує цього в цій справі.
refused-no_more_deferrals = У цій справі вже { $granted ->
        [one] надано {$granted} відстрочку
        [few] надано {$granted} відстрочки
       *[many] надано {$granted} відстрочок
    }, а кредитор дозволяє {$max}.
refused-date_not_later = Ви вибрали {$asked}, але нова дата має бути пізнішою за поточний термін оплати, {$due}.
refused-too_long = Це довше, ніж дозволяє кредитор.
refused-plan-too-long = Ви попросили { $asked ->
        [one] {$asked} місяць
        [few] {$asked} місяці
       *[many] {$asked} місяців
    }, а кредитор дозволяє щонайбільше {$max}.
refused-deferral-too-long = Ви попросили ще { $asked ->
        [one] {$asked} день
        [few] {$asked} дні
       *[many] {$asked} днів
    }, а кредитор дозволяє щонайбільше { $max ->
        [one] {$max} день
        [few] {$max} дні
       *[many] {$max} днів
    }.
refused-instalment_too_small = Тоді внесок становив би {$asked} на місяць, менше за найменший внесок {$min}.
refused-too_few_instalments = План має містити щонайменше 2 внески.
refused-nothing_owed = У цій справі нічого сплачувати.
offer-deferral = Ми можемо дати Вам час до {$date}.
offer-plan = Найдовший план, який ми можемо надати одразу: { $months ->
        [one] {$months} місяць
        [few] {$months} місяці
       *[many] {$months} місяців
    } по {$monthly} на місяць.
offer-accept = Так, будь ласка
refused-contact = Якщо Вам потрібне інше рішення, зверніться до {$agency}.

verify-title = Підтвердіть, що це Ви
verify-intro = Перш ніж показати справу, просимо підтвердити, хто Ви.
verify-postcode = Ваш поштовий індекс
verify-birth-date = Ваша дата народження (дд.мм.рррр)
verify-submit = Продовжити
verify-wrong = Дані не збігаються. { $left ->
        [one] Залишилася {$left} спроба.
        [few] Залишилося {$left} спроби.
       *[many] Залишилося {$left} спроб.
    }

## Errors
not-found-title = Це посилання не працює
not-found-body = Можливо, посилання застаріло, його вже використано або введено з помилкою. Якщо Ви отримали від нас повідомлення, дайте на нього відповідь або зверніться до відправника, і ми Вам допоможемо.
too-many-title = Забагато спроб
too-many-body = Зачекайте трохи і спробуйте знову.
too-many-locked-body = Відповіді забагато разів не збіглися з нашими даними, тому ми на деякий час закрили сторінку, щоб захистити Вашу справу. Вона знову відкриється {$when}, {$date} о {$time}. Тоді можна спробувати ще раз.
too-many-in-hours = через { $hours ->
        [one] {$hours} годину
        [few] {$hours} години
       *[many] {$hours} годин
    }
too-many-within-hour = менш ніж за годину
error-title = Щось пішло не так
error-body = Зараз не вдалося показати сторінку. Спробуйте ще раз трохи згодом.

## Accessibility statement (linked from every page)
a11y-link = Доступність
a11y-title = Доступність сторінок про Вашу справу
a11y-intro = Ми хочемо, щоб кожен міг користуватися сторінками про свою справу: на маленькому телефоні, з великим текстом, з програмою зчитування екрана або лише з клавіатурою. Сторінки працюють без JavaScript.
a11y-tested-heading = Як ми перевіряємо
a11y-tested-body = Щоразу, коли сторінки змінюються, автоматичний тест проходить кожну сторінку і кожну форму, з помилками і без, у справжньому браузері. Він перевіряє сторінки інструментом axe-core на відповідність WCAG 2.1 рівня AA, зі звичайним текстом і з текстом удвічі більшим, і перевіряє, що ніщо не стає ширшим за екран телефона завширшки 320 пікселів.
a11y-limits-heading = Що ще недостатньо добре
a11y-limits-body = Автоматичні тести знаходять не все, тому ми також читаємо сторінки самі. Сторінки є норвезькою (букмол і нюношк), англійською, польською та українською. SMS польською та українською короткі, бо кожна частина такого повідомлення вміщує менше знаків.
a11y-contact-heading = Повідомте нам, якщо щось не працює
a11y-contact-body = Якщо Ви не можете щось зробити на сторінках, зверніться до відправника повідомлення, і ми допоможемо Вам іншим способом. Ви також можете подати скаргу до норвезького органу нагляду за цифровою доступністю (Tilsynet for universell utforming).

## Dates (the month in the genitive, as after a day: "1 грудня 2026 р.")
month-1 = січня
month-2 = лютого
month-3 = березня
month-4 = квітня
month-5 = травня
month-6 = червня
month-7 = липня
month-8 = серпня
month-9 = вересня
month-10 = жовтня
month-11 = листопада
month-12 = грудня
date-format = {$day} {$month} {$year} р.

## Payment receipts
receipt-payment-sms = {$creditor}: дякуємо за оплату {$paid}. Залишок: {$amount}. {$link}
receipt-payment-email-subject = Ми отримали Ваш платіж для {$creditor}
receipt-payment-email-body =
    Добрий день, {$name}!

    Дякуємо! Ми отримали {$paid}. Залишилося сплатити {$amount}.

    Ваша справа: {$link}

    З повагою
    {$agency}
receipt-paid-sms = Дякуємо! Справу від {$creditor} сплачено. Більше нічого робити не треба. {$agency}
receipt-paid-email-subject = Справу від {$creditor} сплачено
receipt-paid-email-body =
    Добрий день, {$name}!

    Дякуємо! Ми отримали {$paid}, і справу від {$creditor} тепер сплачено. Вам більше нічого не потрібно робити.

    З повагою
    {$agency}

## Paying online
pay-online-heading = Сплатити зараз
pay-with-vipps = Сплатити {$amount} через Vipps
pay-with-card = Сплатити {$amount} карткою
pay-part-link = Хочете сплатити частину суми?
pay-title = Оплата
pay-amount-label = Сума, від {$min} до {$max}
pay-by-vipps = Сплатити через Vipps
pay-by-card = Сплатити карткою
pay-error-amount = Вкажіть суму від {$min} до {$max}.
pay-unavailable = Зараз не вдалося почати оплату. Спробуйте ще раз трохи згодом або сплатіть банківським переказом.
paid-title = Дякуємо за оплату
paid-part-body = Дякуємо! Ми отримали платіж. У справі залишилося сплатити {$left}. Ви отримаєте квитанцію.
paid-confirming-title = Ми чекаємо на підтвердження платежу
paid-confirming-body = Ми ще не отримали підтвердження платежу. Зазвичай це займає лише кілька хвилин. Будь ласка, не платіть ще раз.
paid-check-again = Перевірити, чи надійшов платіж
paid-confirming-help = Якщо минуло понад годину, а гроші списано, зверніться до {$agency}.
paid-failed-title = Платіж не пройшов
paid-failed-body = Гроші не списано. Ви можете спробувати ще раз, іншою карткою, або сплатити банківським переказом.
paid-try-again = Спробувати сплатити ще раз
fake-title = Тестовий платіж
fake-body = У демоверсії ця сторінка замінює {$method}. Гроші не списуються.
fake-approve = Підтвердити {$amount}
fake-decline = Скасувати
declined-title = Платіж не завершено
declined-body = Гроші не списано. Ви можете спробувати ще раз або сплатити банківським переказом.
method-vipps = Vipps
method-card = картку

## Opting in and out
opt-in-sms = Ви знову отримуватимете SMS від {$agency} щодо справи від {$creditor}. Надішліть STOP, щоб їх вимкнути.
opt-in-email-subject = Знову SMS від {$agency}
opt-in-email-body =
    Добрий день, {$name}!

    Ви знову отримуватимете SMS від {$agency} щодо справи від {$creditor}. Якщо хочете їх вимкнути, надішліть у відповідь STOP.

    З повагою
    {$agency}
unsubscribe-title = Вимкнути листи від нас?
unsubscribe-body = Ми більше не надсилатимемо листи на {$address} щодо справ, які ведемо. Ваша справа не зміниться, а важливі повідомлення можуть і далі надходити SMS або поштою.
unsubscribe-button = Так, вимкнути листи
unsubscribed-title = Ви більше не отримуватимете від нас листів
unsubscribed-body = Ми вимкнули листи на {$address}. Ваша справа не змінилася: Ви й далі можете відкрити її з отриманого повідомлення.
# A form post larger than the server takes (only a tampered form gets there).
too-large-title = Надісланий текст задовгий
too-large-body = Форма була завелика, щоб ми могли її прийняти. Поверніться, скоротіть текст і спробуйте знову.

## Collection journey: one family per kind of step. `-sms` and `-email-*` are what is sent;
## `-notice` is the written notice itself, shown behind the link (an e-mail carries it in its
## body). Each Ukrainian SMS fits two UCS-2 parts with a full link: check-config measures them
## (messaging.max_sms_segments_ucs2), and checks that each notice shows what the law requires.
journey-nudge-sms = {$creditor}: рахунок {$amount} не сплачено. Оплата тут: {$link}
journey-nudge-email-subject = Рахунок від {$creditor} ще не сплачено
journey-nudge-email-body =
    Добрий день, {$name}!

    Ми бачимо, що рахунок від {$creditor} на суму {$amount}, термін оплати {$due}, ще не сплачено. Про таке легко забути.

    Тут Ви можете сплатити або попросити більше часу, якщо потрібно:
    {$link}

    Якщо Ви вже сплатили, просто не зважайте на це повідомлення.

    З повагою
    {$agency}

journey-purring-sms = {$creditor} нагадує: сплатіть {$amount} до {$deadline}: {$link}
journey-purring-email-subject = Нагадування: рахунок від {$creditor}
journey-purring-email-body =
    Добрий день, {$name}!

    { journey-purring-notice }

    Справа й оплата: {$link}

    З повагою
    {$agency}
journey-purring-notice =
    Нагадування про несплачений рахунок (purring)

    Ми не отримали оплату за {$claim_for} від {$creditor}. Термін оплати рахунку був {$due}.

    До сплати: {$amount}
    Сплатити до: {$deadline}
    Номер рахунку: {$account}
    KID: {$kid}

    Сума містить збір за нагадування {$fee}, як дозволяє норвезький закон. На сторінці справи видно, з чого складається сума.

    Якщо Ви не можете сплатити все зараз, на сторінці справи можна попросити більше часу або розділити суму на частини. Якщо Ви вже сплатили, просто не зважайте на це нагадування.

journey-inkassovarsel-sms = {$creditor}: {$amount} до {$deadline}, уникніть стягнення: {$link}
journey-inkassovarsel-email-subject = Важливо: сплатіть рахунок від {$creditor} до {$deadline}
journey-inkassovarsel-email-body =
    Добрий день, {$name}!

    { journey-inkassovarsel-notice }

    Справа й оплата: {$link}

    З повагою
    {$agency}
journey-inkassovarsel-notice =
    Попередження про передачу боргу на стягнення (inkassovarsel)

    Рахунок за {$claim_for} від {$creditor} досі не сплачено. Термін оплати був {$due}.

    До сплати: {$amount}
    З них збір за це попередження: {$fee}
    Сплатити до: {$deadline}
    Номер рахунку: {$account}
    KID: {$kid}

    Що це означає? Якщо суму не буде сплачено до {$deadline}, борг передадуть на стягнення (inkasso). Тоді борг перейде до агентства зі стягнення боргів, яке може додати інші витрати. Якщо Ви сплатите до цього терміну, цього не станеться.

    Платіж вважається вчасним, якщо Ваш банк отримав платіжне доручення до цього терміну.

    Якщо Ви не згодні з боргом або Вам потрібно більше часу, повідомте про це на сторінці справи. Ми розглянемо це, перш ніж щось станеться далі.

journey-betalingsoppfordring-sms = {$agency}: сплатіть {$amount} до {$deadline}. Не згодні? {$link}
journey-betalingsoppfordring-email-subject = Вимога про оплату: борг перед {$creditor}
journey-betalingsoppfordring-email-body =
    Добрий день, {$name}!

    { journey-betalingsoppfordring-notice }

    Справа, оплата або заперечення: {$link}

    З повагою
    {$agency}
journey-betalingsoppfordring-notice =
    Вимога про оплату (betalingsoppfordring)

    {$agency} стягує борг перед {$creditor} за {$claim_for}.

    Основна сума: {$principal}
    Додаткові суми (збори і відсотки): {$additional}
    Усього до сплати: {$amount}
    Відсотки за прострочення: {$interest_rate} на рік, з {$interest_from}

    Ви маєте час до {$deadline}, щоб сплатити або повідомити, що не згодні з боргом.
    Номер рахунку: {$account}
    KID: {$kid}

    Якщо борг не буде сплачено і Ви не повідомите про незгоду, це може призвести до додаткових витрат і до передачі справи до примирної ради (forliksrådet) або до органу примусового виконання (namsmannen).

    Якщо Ви вважаєте, що ми зробили щось неправильно, Ви маєте право подати скаргу і передати справу на розгляд комісії зі скарг (норвезький закон про стягнення боргів, inkassoloven § 22).

journey-final-notice-sms = {$creditor} востаннє нагадує: {$amount} до {$deadline}: {$link}
journey-final-notice-email-subject = Останнє нагадування про рахунок від {$creditor}
journey-final-notice-email-body =
    Добрий день, {$name}!

    { journey-final-notice-notice }

    Справа й оплата: {$link}

    З повагою
    {$agency}
journey-final-notice-notice =
    Останнє нагадування

    Рахунок від {$creditor} на суму {$amount} досі не сплачено. Просимо сплатити до {$deadline}.

    Номер рахунку: {$account}
    KID: {$kid}

    Якщо Вам зараз важко або Ви не згодні з боргом, повідомте про це на сторінці справи. Ми охоче разом знайдемо рішення.

## Following up a payment plan: a reminder before an instalment, a friendly note when one is late, and when the plan has ended.
plan-reminder-sms = Внесок {$number}/{$count}: {$amount} до {$due}, KID {$kid}: {$link}
plan-reminder-email-subject = Внесок {$number} для {$creditor}: термін {$due}
plan-reminder-email-body =
    Добрий день, {$name}!

    Нагадуємо про внесок {$number} з {$count} у Вашому плані сплати з {$creditor}.

    Сума: {$amount}
    Термін: {$due}
    Номер рахунку: {$account}
    KID: {$kid}

    Також можна сплатити на сторінці справи: {$link}

    Якщо Ви вже сплатили, просто не зважайте на це повідомлення.

    З повагою
    {$agency}

plan-late-sms = Немає внеску {$number} ({$amount}, {$due}). KID {$kid}: {$link}
plan-late-email-subject = Ми не отримали внесок {$number} для {$creditor}
plan-late-email-body =
    Добрий день, {$name}!

    Ми не бачимо оплати внеску {$number} у Вашому плані сплати з {$creditor}, термін якого був {$due}. Можливо, платіж розминувся з цим повідомленням; тоді просто не зважайте на нього.

    Сума: {$amount}
    Номер рахунку: {$account}
    KID: {$kid}

    Також можна сплатити на сторінці справи: {$link}

    Якщо Вам важко платити, повідомте про це на сторінці, і ми разом знайдемо рішення.

    З повагою
    {$agency}

plan-broken-sms = План сплати з {$creditor} завершено. Залишок {$amount}. Що далі: {$link}
plan-broken-email-subject = Ваш план сплати з {$creditor} завершено
plan-broken-email-body =
    Добрий день, {$name}!

    Ваш план сплати з {$creditor} завершено, бо внески не було сплачено вчасно.

    Це означає, що решта боргу, {$amount}, більше не розділена на внески. Те, що Ви вже сплатили, враховано. Відсотки за місяці, яких уже не буде, знято. Справа триває зі звичайними нагадуваннями про оплату.

    Що Ви можете зробити:
    - сплатити всю суму або її частину на рахунок {$account} з KID {$kid} або на сторінці справи
    - попросити новий план на сторінці справи
    - повідомити нам, якщо щось не так або якщо Вам зараз важко

    Сторінка справи: {$link}

    Ми охоче допоможемо знайти рішення.

    З повагою
    {$agency}

## Limited agreements and catching up on a plan
review-limited_agreement_ended = Строк обмеженої угоди закінчився, тому працівник знову перегляне вашу справу.
plan-limited-explain = Це обмежена угода: {$months} міс. ви сплачуєте менші внески, разом {$paid}. Після цього залишиться {$left}, і {$agency} знову перегляне вашу справу. Якщо внески йтимуть добре, ви разом домовитеся, як сплатити решту.
plan-limited-review = Усі внески за обмеженою угодою сплачено. Дякуємо! {$agency} знову перегляне вашу справу і зв’яжеться з вами щодо залишку {$left}.
plan-pay-catch-up = Кнопки сплачують те, що настав час сплатити: внески {$numbers}, разом {$amount}. Тоді план знову йде за графіком.
plan-review-sms = Угода з {$creditor}: строк минув. {$agency} перегляне справу: {$link}
plan-review-email-subject = Обмежена угода з {$creditor}: строк закінчився
plan-review-email-body =
    Добрий день, {$name}!

    Строк обмеженої угоди з {$creditor} закінчився. Дякуємо за сплачені внески.

    Залишок боргу: {$amount}. {$agency} знову перегляне вашу справу і зв’яжеться з вами, щоб домовитися, як сплатити решту. До того часу вам нічого не потрібно робити.

    Сторінка справи: {$link}

    З повагою
    {$agency}

limited-ended-sms = Угоду з {$creditor} завершено. Відповідь: {$link}
limited-ended-email-subject = Обмежену угоду з {$creditor} завершено
limited-ended-email-body =
    Добрий день, {$name}!

    {$agency} знову переглянули вашу справу після строку обмеженої угоди з {$creditor}. Угоду завершено.

    Залишок боргу: {$amount}. На сторінці справи можна прочитати відповідь, оплатити або попросити новий план розстрочки: {$link}

    Якщо платити важко, напишіть нам на сторінці справи, і ми разом знайдемо рішення.

    З повагою
    {$agency}

## The conversation with the agency
conversation-heading = Повідомлення до {$agency} і від них
conversation-title = Напишіть нам
conversation-intro = Тут ви можете написати до {$agency}. Відповідь з’явиться на цій сторінці, а коли вона буде готова, ми надішлемо вам SMS або e-mail.
conversation-from-you = Ви написали
conversation-from-agency = Відповідь від {$agency}
conversation-at = {$date} о {$time}
conversation-by-sms = як SMS
conversation-by-email = як e-mail
conversation-all = Переглянути всі повідомлення ({$count})
conversation-waiting = Чекає на відповідь
conversation-label = Ваше повідомлення
conversation-hint = Не більше {$max} символів. Не пишіть паролів чи номерів карток.
conversation-submit = Надіслати до {$agency}
conversation-full = У цій справі більше немає місця для повідомлень. Зателефонуйте, будь ласка, до {$agency}.
error-conversation-empty = Напишіть повідомлення, перш ніж надсилати.
error-conversation-too-long = Повідомлення задовге: не більше {$max} символів.
error-conversation-characters = У повідомленні є символи, які ми не можемо показати. Видаліть їх і спробуйте ще раз.
conversation-answer-sms = Вам відповіли з {$agency}: {$link}
conversation-answer-email-subject = Вам відповіли з {$agency}
conversation-answer-email-body =
    Добрий день, {$name}!

    {$agency} відповідає на ваше повідомлення щодо справи від {$creditor}. Відповідь на сторінці справи: {$link}

    З повагою
    {$agency}

## Documents
dispute-receipt-hint = PDF, JPEG або PNG, не більше 10 МБ.
dispute-receipt-label = Квитанція чи інший документ (необов’язково)
document-kind-agreement = угода
document-kind-invoice = рахунок
document-kind-letter = лист
document-kind-other = документ
document-kind-receipt = квитанція
documents-heading = Документи
documents-plan-file = plan-splaty
documents-plan-pdf = План сплати у PDF
error-receipt-too-large = Файл більший за 10 МБ. Виберіть менший файл або зробіть фото з нижчою роздільною здатністю.
error-receipt-type = Файл має бути PDF, JPEG або PNG. Виберіть інший файл.
plan-pdf-account = Номер рахунку: {$account}
plan-pdf-agency = Колекторське агентство: {$agency}
plan-pdf-agreed = Погоджено: {$date}
plan-pdf-case-kid = KID справи: {$kid}
plan-pdf-col-kid = KID
plan-pdf-creditor = Кредитор: {$creditor}
plan-pdf-how = Сплачуйте кожен внесок на номер рахунку з KID, указаним біля цього внеску.
plan-pdf-title = План сплати
plan-pdf-total = Разом: {$total}

## The debtor's contact details (/case/contact), and the code that confirms a new number or address
details-link = Змінити номер телефону, e-mail або поштову адресу
details-title = Ваші контактні дані
details-intro = Так {$agency} зв’язується з вами. Якщо щось неправильно або змінилося, ви можете змінити це тут.
details-phone = Мобільний
details-email = E-mail
details-none = Не вказано
details-address = Поштова адреса
details-address-saved = Збережено: {$postcode} {$city}
details-new-phone = Новий номер мобільного
details-new-phone-hint = Ми надішлемо код на новий номер. Номер зміниться, коли ви введете код тут.
details-new-email = Нова адреса e-mail
details-new-email-hint = Ми надішлемо код на нову адресу. Адреса зміниться, коли ви введете код тут.
details-send-code = Надіслати код
details-code-heading = Введіть код
details-code-sent = Ми надіслали код на {$to}. Він дійсний {$minutes} хвилин.
details-code = Код (6 цифр)
details-confirm = Підтвердити
details-code-again = Код не прийшов? Перевірте номер або адресу й надішліть новий код.
details-street = Вулиця й номер
details-postcode = Поштовий індекс
details-city = Місто або селище
details-country = Код країни
details-country-hint = Дві літери, наприклад NO для Норвегії або UA для України.
details-save-address = Зберегти адресу
details-done-code = Код уже в дорозі. Введіть його нижче, коли він прийде.
details-done-phone = Ваш номер мобільного змінено. Відтепер ми використовуватимемо його.
details-done-email = Вашу адресу e-mail змінено. Відтепер ми використовуватимемо її.
details-done-address = Вашу поштову адресу збережено.
error-details-phone = Це не схоже на номер мобільного. Перевірте його й спробуйте ще раз.
error-details-email = Це не схоже на адресу e-mail. Перевірте її й спробуйте ще раз.
error-details-same = Цей номер або адресу ми вже використовуємо.
error-details-too-many = За останню добу ви попросили {$max} коди. Новий можна попросити після {$when}.
error-details-code-wrong = Код неправильний. { $left ->
        [one] Ви можете спробувати ще {$left} раз.
        [few] Ви можете спробувати ще {$left} рази.
       *[many] Ви можете спробувати ще {$left} разів.
    }
error-details-code-format = Код складається з 6 цифр.
error-details-code-expired = Код більше не дійсний. Надішліть новий код.
error-details-street = Напишіть вулицю й номер, не більше 100 символів.
error-details-postcode = Перевірте поштовий індекс. У Норвегії він має 4 цифри.
error-details-city = Напишіть місто або селище, не більше 50 символів.
error-details-country = Напишіть країну двома літерами, наприклад NO.
contact-changed-sms = На сторінці справи в {$agency} вказано новий номер, тож цей більше не отримує повідомлень. Якщо це не ви, зв’яжіться з нами.
contact-changed-email-subject = Адресу e-mail у {$agency} змінено
contact-changed-email-body =
    Добрий день!

    На сторінці справи в {$agency} вказано нову адресу e-mail, і ця адреса більше не отримує повідомлень щодо справи. Якщо це були ви, нічого робити не треба.

    Якщо це були не ви, якнайшвидше зверніться до {$agency}, і там це виправлять.

    З повагою
    {$agency}
contact-code-sms = Ваш код від {$agency}: {$code}. Введіть його на сторінці справи. Не просили код? Не зважайте на це повідомлення.
contact-code-email-subject = Ваш код від {$agency}
contact-code-email-body =
    Добрий день,

    Ваш код: {$code}. Введіть його на сторінці справи протягом 15 хвилин, щоб отримувати повідомлення від {$agency} на цю адресу.

    Не просили код? Не зважайте на цей лист. Нічого не зміниться.

    З повагою
    {$agency}

## Усі справи боржника в одній агенції
others-heading = Ваші інші справи в {$agency}
others-intro = {$agency} також веде для вас ці справи. Ви можете переглянути кожну, сплатити всі або попросити один план для всіх.
others-show = Переглянути справу від {$creditor}
others-total = Усі ваші справи разом: {$total}
others-pay-all = Сплатити всі
others-plan-all = Один план для всіх
all-pay-title = Сплатити всі ваші справи
all-pay-intro = Сплачуйте кожну справу з її власним KID, щоб кожен платіж зарахували до правильної справи. Усі платежі можна зробити одразу в онлайн-банку.
all-pay-plan = Ця справа має план погашення. Сплачуйте внески так, як зазначено на її сторінці.
all-pay-total = Разом: {$total}
all-plan-title = Один план для всіх ваших справ
all-plan-intro = Виберіть, скільки місяців вам потрібно. Кожна справа отримає власний план із такою кількістю щомісячних внесків. Про кожен план вирішують правила кредитора: деякі можна погодити одразу, інші перегляне {$agency}.
all-plan-months-error = Кількість місяців: введіть ціле число від 1 до 240.
all-plan-preview-title = Ваші плани
all-plan-would-grant = Можна погодити одразу: {$months} внесків по {$monthly}, перший до {$date}.
all-plan-would-review = {$agency} має це переглянути. Відповідь ви отримаєте протягом тижня.
all-plan-confirm = Попросити ці плани
all-plan-none = Жодна з ваших справ не може мати такого плану. Виберіть іншу кількість місяців або зверніться до {$agency}.
all-plan-done-title = Ваші плани
all-plan-granted = Погоджено: {$months} внесків по {$monthly}, перший до {$date}. Ми надішлемо вам підтвердження.
all-plan-review = Надіслано до {$agency}. Відповідь ви отримаєте протягом тижня.
all-plan-has-plan = Ця справа вже має план погашення. Він залишається без змін.
all-plan-waiting = Запит у цій справі чекає на {$agency}. Більше нічого не можна попросити, доки вони не дадуть відповідь.
all-plan-failed = Зараз не вдалося обробити цю справу. У ній нічого не змінено. Спробуйте ще раз трохи згодом.
