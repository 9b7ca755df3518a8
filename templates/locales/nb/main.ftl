## Everything a debtor reads in Norwegian bokmål. Plain words, no threats, no jargon.

## Messages (SMS must stay within GSM-7: no curly quotes, dashes or emoji)
reminder-sms = Hei! Du har en ubetalt regning fra {$creditor} på {$amount}, forfall {$due}. Se saken, betal eller be om mer tid her: {$link}
reminder-email-subject = Ubetalt regning fra {$creditor}
reminder-email-body =
    Hei {$name},

    Du har en ubetalt regning fra {$creditor} på {$amount}, med forfall {$due}.

    På denne siden kan du se hva beløpet består av, betale, eller be om mer tid hvis du trenger det:
    {$link}

    Har du allerede betalt, kan du se bort fra denne meldingen.

    Vennlig hilsen
    {$agency}

## Case page
page-title = Din sak hos {$creditor}
amount-due-label = Å betale
due-date-label = Forfallsdato
reference-label = Saksnummer
creditor-label = Kreditor
collected-by = Saken følges opp av {$agency} på vegne av {$creditor}.
breakdown-heading = Dette består beløpet av
claim-principal = Hovedstol
claim-interest = Renter
claim-fee = Gebyr
total-label = Totalt
interest-accrued-label = Forsinkelsesrente påløpt til i dag
interest-accrued-per-day = Øker med {$amount} per dag til kravet er betalt
breakdown-paid = Betalt {$date}
breakdown-left = Igjen å betale
pay-bank-heading = Betal med bankoverføring
pay-bank-account = Kontonummer
pay-bank-kid = KID
pay-bank-amount = Beløp
pay-bank-help = Skriv inn KID-nummeret når du betaler i nettbanken. Da blir betalingen registrert på saken din automatisk.
help-heading = Kan du ikke betale alt nå?
help-body = Det er helt i orden å si fra. Ta kontakt med {$agency}, så finner vi en løsning sammen.
contact-heading = Kontakt {$agency}
contact-phone = Telefon
contact-email = E-post
contact-hours = Åpent
status-paid = Denne saken er betalt. Takk!
status-closed = Denne saken er avsluttet. Du trenger ikke gjøre noe mer.
switch-language = Språk
footer-secure = Siden viser bare din sak. Del ikke lenken med andre.

receipt-deferral-sms = Bekreftelse fra {$creditor}: Du har fått utsettelse. Ny forfallsdato er {$due}. Se saken her: {$link}
receipt-deferral-email-subject = Du har fått utsettelse hos {$creditor}
receipt-deferral-email-body =
    Hei {$name},

    Du har fått utsettelse. Ny forfallsdato er {$due}, og beløpet er {$amount}.

    Se saken her: {$link}

    Vennlig hilsen
    {$agency}
receipt-plan-sms = Bekreftelse fra {$creditor}: Nedbetalingsavtalen er klar. Første avdrag er {$amount} med forfall {$due}. Se planen her: {$link}
receipt-plan-email-subject = Nedbetalingsavtalen med {$creditor} er klar
receipt-plan-email-body =
    Hei {$name},

    Nedbetalingsavtalen er klar. Første avdrag er {$amount} med forfall {$due}. Hvert avdrag har sitt eget KID-nummer, som du finner i planen.

    Se planen her: {$link}

    Vennlig hilsen
    {$agency}

request-declined-sms = {$agency} har sett på forespørselen din om saken fra {$creditor}. Les svaret her: {$link}
request-declined-email-subject = Svar på forespørselen din om saken fra {$creditor}
request-declined-email-body =
    Hei {$name},

    {$agency} har sett på forespørselen din. Du kan lese svaret og se hva du kan gjøre videre her:
    {$link}

    Vennlig hilsen
    {$agency}
dispute-upheld-sms = {$agency} har sett på innsigelsen din om saken fra {$creditor} og avsluttet saken. Du trenger ikke gjøre noe mer. {$link}
dispute-upheld-email-subject = Saken fra {$creditor} er avsluttet
dispute-upheld-email-body =
    Hei {$name},

    {$agency} har sett på innsigelsen din og avsluttet saken. Du trenger ikke gjøre noe mer.
    {$link}

    Vennlig hilsen
    {$agency}
note-heading = Melding fra {$agency}

## Self-service on the case page
actions-heading = Hva vil du gjøre?
action-pay = Betale hele beløpet
action-more-time = Be om mer tid
action-plan = Dele opp i avdrag
action-dispute = Jeg er uenig, eller har allerede betalt
partial-payment = Du kan også betale en del nå, minst {$min}. Bruk samme kontonummer og KID.
pending-review = Vi har fått forespørselen din. {$agency} svarer deg innen en uke.
waiting-title = Forespørselen din venter på svar
waiting-deferral = Du ba om ny forfallsdato {$date} den {$since}.
waiting-plan = Du ba om å betale i {$months} avdrag på {$monthly} den {$since}.
waiting-dispute = Du sa fra at du er uenig eller har betalt den {$since}.
waiting-body = {$agency} svarer deg innen en uke. Du kan be om noe nytt når du har fått svar.
status-disputed = Du har sagt fra at du er uenig eller har betalt. Vi har stanset innkrevingen mens {$agency} ser på saken, og du får svar innen en uke.
plan-active-heading = Din nedbetalingsavtale
plan-broken-heading = Nedbetalingsavtalen er avsluttet
plan-broken-text = Avtalen ble avsluttet {$date} fordi avdrag ikke ble betalt. Det du har betalt, er trukket fra, og renter for månedene som ikke kommer, er tatt bort. Du kan betale resten, be om en ny avtale, eller si fra hvis noe er feil.
plan-next-label = Neste avdrag ({$number} av {$count})
plan-next-late = Dette avdraget forfalt {$date}. Betal det så snart du kan. Avtalen gjelder fortsatt.
plan-next-missed = Dette avdraget forfalt {$date} og er ikke betalt ennå. Betal det så snart du kan, eller ta kontakt med {$agency} hvis du trenger hjelp.
plan-all-paid = Alle avdragene er betalt. Takk!
plan-limited-explain = Dette er en begrenset avtale: Du betaler mindre avdrag i {$months} måneder, til sammen {$paid}. Etter det gjenstår {$left}, og {$agency} ser på saken din på nytt. Har avdragene gått fint, kan dere da avtale sammen hvordan resten skal betales.
plan-limited-review = Alle avdragene i den begrensede avtalen er betalt. Takk! {$agency} ser nå på saken din på nytt og tar kontakt om de {$left} som gjenstår.
instalment-heading = Avdrag {$number}
instalment-paid = Betalt
instalment-next = Neste å betale
instalment-upcoming = Ikke forfalt ennå
instalment-late = Forsinket
instalment-missed = Forfalt, ikke betalt
instalment-partly-paid = {$paid} betalt, {$left} igjen
back = Tilbake til saken
form-expired-title = Skjemaet er utløpt
form-expired-body = Av sikkerhetshensyn må du åpne saken på nytt og prøve igjen. Ingenting er endret.

more-time-title = Be om mer tid
more-time-current = Nåværende forfallsdato er {$date}.
more-time-intro = Velg en ny forfallsdato. Datoer merket «med en gang» får du med en gang. Senere datoer ser {$agency} på, og du får svar innen en uke.
more-time-instant = med en gang
more-time-review = vurderes
more-time-submit = Be om denne datoen
more-time-legend = Ny forfallsdato
error-choose-date = Velg en av datoene i listen.

plan-title = Betal i avdrag
plan-intro = Du kan dele opp {$amount} over {$min} til {$max} måneder. Minste avdrag er {$min_instalment}.
plan-months-label = Antall måneder
plan-monthly-label = Eller skriv inn hvor mye du kan betale i måneden
plan-preview-submit = Vis planen
plan-preview-title = Slik blir planen din
plan-col-number = Nr.
plan-col-date = Forfall
plan-col-amount = Beløp
plan-extra-cost = Planen koster {$cost} ekstra (gebyr {$fee}, renter {$interest}). Til sammen betaler du {$total}.
plan-no-extra-cost = Planen koster ingenting ekstra. Til sammen betaler du {$total}.
plan-confirm = Godta planen
plan-choose-other = Velg en annen plan
error-amount = Skriv et beløp, for eksempel 500 eller 500,50.

dispute-title = Uenig, eller allerede betalt?
dispute-intro = Fortell oss hva som er feil. Mens vi ser på saken, stanser vi innkrevingen og sender ingen påminnelser.
dispute-text-label = Hva er feil?
dispute-paid-heading = Har du betalt? Fyll ut hvis du vet det.
dispute-paid-on = Dato du betalte
dispute-paid-amount = Beløp du betalte
dispute-paid-reference = Referanse eller KID du brukte
dispute-submit = Send til {$agency}
error-dispute-text = Skriv kort hva som er feil (høyst 2000 tegn).
error-date = Skriv datoen som dd.mm.åååå.
error-paid-on-future = Datoen kan ikke være etter i dag.
error-paid-on-before-claim = Datoen kan ikke være før {$earliest}, for da fantes ikke kravet ennå.
error-paid-amount-above-total = Beløpet kan ikke være mer enn hele kravet, {$total}.
dispute-received-title = Takk. Vi har stanset innkrevingen.
dispute-received-body = {$agency} ser på det du har skrevet og svarer deg innen en uke. Du trenger ikke gjøre noe før du hører fra oss.

granted-deferral-title = Du har fått mer tid
granted-deferral-body = Ny forfallsdato er {$date}. Du får en bekreftelse på melding.
granted-plan-title = Avtalen er klar
granted-plan-body = Første avdrag er {$amount} med forfall {$date}. Hvert avdrag har sitt eget KID-nummer. Du får en bekreftelse på melding.
review-title = Vi har fått forespørselen din
review-body = {$agency} ser på den og svarer deg innen en uke. Du trenger ikke gjøre noe før du hører fra oss.
review-longer_than_auto_grant = Det du ba om, er lenger enn vi kan gi med en gang.
review-balance_outside_range = For dette beløpet må en person se på saken.
review-limited_agreement_ended = Perioden for den begrensede avtalen din er over, så en person ser på saken din på nytt.
refused-title = Det kan vi dessverre ikke gi her
refused-not_offered = Kreditor tilbyr ikke dette for denne saken.
refused-no_more_deferrals = Saken har allerede fått {$granted} utsettelser, og kreditor tillater {$max}.
refused-date_not_later = Du valgte {$asked}, men den nye datoen må være etter dagens forfallsdato, {$due}.
refused-too_long = Det er lenger enn kreditor tillater.
refused-plan-too-long = Du ba om {$asked} måneder, og kreditor tillater høyst {$max}.
refused-deferral-too-long = Du ba om {$asked} dager mer tid, og kreditor tillater høyst {$max} dager.
refused-instalment_too_small = Da blir avdragene {$asked} i måneden, mindre enn minstebeløpet på {$min}.
refused-too_few_instalments = En avtale må ha minst 2 avdrag.
refused-nothing_owed = Det er ikke noe å betale på saken.
offer-deferral = Vi kan gi deg utsettelse til {$date}.
offer-plan = Den lengste planen vi kan gi med en gang, er {$months} måneder med {$monthly} i måneden.
offer-accept = Ja takk, det vil jeg
refused-contact = Ta gjerne kontakt med {$agency} hvis du trenger en annen løsning.

verify-title = Bekreft at det er deg
verify-intro = Før vi viser saken, ber vi deg bekrefte hvem du er.
verify-postcode = Postnummeret ditt
verify-birth-date = Fødselsdatoen din (dd.mm.åååå)
verify-submit = Fortsett
verify-wrong = Det stemte ikke. Du har {$left} forsøk igjen.

## Errors
not-found-title = Lenken virker ikke
not-found-body = Lenken kan være utløpt, brukt opp eller skrevet inn feil. Har du fått en melding fra oss, kan du svare på den eller kontakte avsenderen, så hjelper vi deg.
too-many-title = For mange forsøk
too-many-body = Vent litt og prøv igjen.
too-many-locked-body = Svarene stemte ikke med det vi har for mange ganger, så vi har stengt siden en stund for å beskytte saken din. Den åpner igjen {$when}, {$date} klokken {$time}. Da kan du prøve på nytt.
too-many-in-hours = om {$hours} timer
too-many-within-hour = om under en time
error-title = Noe gikk galt
error-body = Vi klarte ikke å vise siden akkurat nå. Prøv igjen om litt.

## Accessibility statement (linked from every page)
a11y-link = Tilgjengelighet
a11y-title = Tilgjengelighet på sidene om saken din
a11y-intro = Vi vil at alle skal kunne bruke sidene om saken sin: på en liten telefon, med stor tekst, med skjermleser eller bare med tastatur. Sidene virker uten JavaScript.
a11y-tested-heading = Slik tester vi
a11y-tested-body = Hver gang sidene endres, går en automatisk test gjennom hver side og hvert skjema, med og uten feil, i en ekte nettleser. Den sjekker sidene med verktøyet axe-core mot kravene i WCAG 2.1 nivå AA, med vanlig tekst og med dobbelt så stor tekst, og den sjekker at ingenting blir bredere enn skjermen på en telefon som er 320 piksler bred.
a11y-limits-heading = Dette er ikke godt nok ennå
a11y-limits-body = Automatiske tester finner ikke alt, så vi leser også sidene selv. Sidene finnes på bokmål, nynorsk, engelsk, polsk og ukrainsk; tekstmeldinger på polsk og ukrainsk er korte, fordi hver del av en slik melding har plass til færre tegn.
a11y-contact-heading = Si fra hvis noe ikke virker
a11y-contact-body = Får du ikke til noe på sidene, ta kontakt med den som sendte deg meldingen, så hjelper vi deg på en annen måte. Du kan også klage til Tilsynet for universell utforming.

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
receipt-payment-sms = Takk! {$creditor} har mottatt {$paid}. Det som gjenstår er {$amount}. Se saken her: {$link}
receipt-payment-email-subject = Vi har mottatt betalingen din til {$creditor}
receipt-payment-email-body =
    Hei {$name},

    Takk! Vi har mottatt {$paid}. Det som gjenstår å betale er {$amount}.

    Se saken her: {$link}

    Vennlig hilsen
    {$agency}
receipt-paid-sms = Takk! Saken fra {$creditor} er betalt, og du trenger ikke gjøre noe mer. Hilsen {$agency}
receipt-paid-email-subject = Saken fra {$creditor} er betalt
receipt-paid-email-body =
    Hei {$name},

    Takk! Vi har mottatt {$paid}, og saken fra {$creditor} er nå betalt. Du trenger ikke gjøre noe mer.

    Vennlig hilsen
    {$agency}

## Paying online
pay-online-heading = Betal nå
pay-with-vipps = Betal {$amount} med Vipps
pay-with-card = Betal {$amount} med kort
pay-part-link = Vil du betale en del av beløpet?
plan-pay-catch-up = Knappene betaler det som har forfalt nå: avdrag {$numbers}, til sammen {$amount}. Da er avtalen i rute igjen.
pay-title = Betal
pay-amount-label = Beløp, fra {$min} til {$max}
pay-by-vipps = Betal med Vipps
pay-by-card = Betal med kort
pay-error-amount = Skriv et beløp fra {$min} til {$max}.
pay-unavailable = Vi fikk ikke startet betalingen akkurat nå. Prøv igjen om litt, eller betal med bankoverføring.
paid-title = Takk for betalingen
paid-part-body = Takk! Vi har fått betalingen. Igjen å betale på saken er {$left}. Du får en kvittering.
paid-confirming-title = Vi venter på bekreftelse på betalingen
paid-confirming-body = Vi har ikke fått bekreftelse på betalingen ennå. Det tar vanligvis bare noen minutter. Ikke betal en gang til.
paid-check-again = Se om betalingen er kommet
paid-confirming-help = Har det gått mer enn en time, og pengene er trukket, ta kontakt med {$agency}.
paid-failed-title = Betalingen gikk ikke gjennom
paid-failed-body = Ingen penger er trukket. Du kan prøve igjen, med et annet kort, eller betale med bankoverføring.
paid-try-again = Prøv å betale igjen
fake-title = Testbetaling
fake-body = Denne siden står i stedet for {$method} i demoen. Ingen penger blir trukket.
fake-approve = Godkjenn {$amount}
fake-decline = Avbryt
declined-title = Betalingen ble ikke fullført
declined-body = Ingen penger er trukket. Du kan prøve igjen, eller betale med bankoverføring.
method-vipps = Vipps
method-card = kort

## Opting in and out (SMS within GSM-7)
opt-in-sms = Du får SMS fra {$agency} igjen om saken fra {$creditor}. Svar STOPP hvis du vil at de skal stoppe.
opt-in-email-subject = SMS fra {$agency} igjen
opt-in-email-body =
    Hei {$name},

    Du får SMS fra {$agency} igjen om saken fra {$creditor}. Svar STOPP på en melding hvis du vil at de skal stoppe.

    Vennlig hilsen
    {$agency}
unsubscribe-title = Stoppe e-post fra oss?
unsubscribe-body = Vi sender ikke flere e-poster til {$address} om sakene vi følger opp. Saken din endres ikke, og viktige beskjeder kan fortsatt komme på SMS eller brev.
unsubscribe-button = Ja, stopp e-postene
unsubscribed-title = Du får ikke flere e-poster fra oss
unsubscribed-body = Vi har stoppet e-post til {$address}. Saken din er ikke endret: du kan fortsatt åpne den fra en melding du har fått.
# A form post larger than the server takes (only a tampered form gets there).
too-large-title = Det du sendte, er for langt
too-large-body = Skjemaet var for stort til at vi kunne ta imot det. Gå tilbake, gjør teksten kortere og prøv igjen.

## Collection journey: one family per kind of step. `-sms` and `-email-*` are what is sent;
## `-notice` is the written notice itself, shown behind the link (an e-mail carries it in its
## body). Each SMS fits one part (160 GSM-7 characters) with a full link: check-config measures
## them, and checks that each notice shows what the law requires it to say.
journey-nudge-sms = Hei! Regningen på {$amount} fra {$creditor} er ikke betalt. Betal eller be om mer tid: {$link}
journey-nudge-email-subject = Regningen fra {$creditor} er ikke betalt ennå
journey-nudge-email-body =
    Hei {$name},

    Vi ser at regningen fra {$creditor} på {$amount}, med forfall {$due}, ikke er betalt ennå. Det kan fort bli glemt.

    Her kan du betale, eller be om mer tid hvis du trenger det:
    {$link}

    Har du allerede betalt, kan du se bort fra denne meldingen.

    Vennlig hilsen
    {$agency}

journey-purring-sms = Påminnelse fra {$creditor}: Betal {$amount} innen {$deadline}. Se saken: {$link}
journey-purring-email-subject = Påminnelse: regning fra {$creditor}
journey-purring-email-body =
    Hei {$name},

    { journey-purring-notice }

    Se saken og betal her: {$link}

    Vennlig hilsen
    {$agency}
journey-purring-notice =
    Påminnelse om ubetalt regning

    Vi har ikke fått betaling for {$claim_for} fra {$creditor}. Regningen hadde forfall {$due}.

    Å betale: {$amount}
    Betal innen: {$deadline}
    Kontonummer: {$account}
    KID: {$kid}

    Beløpet inkluderer et purregebyr på {$fee}, slik loven tillater. På siden for saken ser du hva beløpet består av.

    Kan du ikke betale alt nå, kan du be om mer tid eller dele beløpet opp på siden for saken. Har du allerede betalt, kan du se bort fra denne påminnelsen.

journey-inkassovarsel-sms = {$creditor}: Betal {$amount} innen {$deadline}, så unngår du inkasso. Les mer: {$link}
journey-inkassovarsel-email-subject = Viktig: betal regningen fra {$creditor} innen {$deadline}
journey-inkassovarsel-email-body =
    Hei {$name},

    { journey-inkassovarsel-notice }

    Se saken og betal her: {$link}

    Vennlig hilsen
    {$agency}
journey-inkassovarsel-notice =
    Varsel om inkasso

    Regningen for {$claim_for} fra {$creditor} er fortsatt ikke betalt. Regningen hadde forfall {$due}.

    Å betale: {$amount}
    Av dette er gebyr for dette varselet: {$fee}
    Betal innen: {$deadline}
    Kontonummer: {$account}
    KID: {$kid}

    Hva betyr dette? Hvis beløpet ikke er betalt innen {$deadline}, blir kravet sendt til inkasso. Det betyr at et inkassobyrå overtar kravet og kan legge til flere kostnader. Betaler du innen fristen, skjer ikke det.

    Betalingen er i tide hvis banken har fått betalingsoppdraget innen fristen.

    Er du uenig i kravet, eller trenger du mer tid, kan du si fra på siden for saken. Da ser vi på det før noe mer skjer.

journey-betalingsoppfordring-sms = {$agency}: Betal {$amount} innen {$deadline} eller si fra om du er uenig: {$link}
journey-betalingsoppfordring-email-subject = Betalingsoppfordring: kravet fra {$creditor}
journey-betalingsoppfordring-email-body =
    Hei {$name},

    { journey-betalingsoppfordring-notice }

    Se saken, betal eller si fra om du er uenig her: {$link}

    Vennlig hilsen
    {$agency}
journey-betalingsoppfordring-notice =
    Betalingsoppfordring

    {$agency} følger opp et krav fra {$creditor} for {$claim_for}.

    Hovedstol: {$principal}
    Tillegg (gebyrer og renter): {$additional}
    Å betale i alt: {$amount}
    Forsinkelsesrente: {$interest_rate} i året, regnet fra {$interest_from}

    Du har frist til {$deadline} til å betale eller til å si fra hvis du er uenig i kravet.
    Kontonummer: {$account}
    KID: {$kid}

    Blir kravet ikke betalt, og du ikke sier fra, kan det føre til flere kostnader og at saken går videre til forliksrådet eller namsmannen.

    Mener du at vi har gjort noe galt, har du rett til å klage og få saken behandlet av en klagenemnd (inkassoloven § 22).

journey-final-notice-sms = {$creditor}: Siste påminnelse. Betal {$amount} innen {$deadline} eller si fra: {$link}
journey-final-notice-email-subject = Siste påminnelse om regningen fra {$creditor}
journey-final-notice-email-body =
    Hei {$name},

    { journey-final-notice-notice }

    Se saken og betal her: {$link}

    Vennlig hilsen
    {$agency}
journey-final-notice-notice =
    Siste påminnelse

    Regningen fra {$creditor} på {$amount} er fortsatt ikke betalt. Vi ber deg betale innen {$deadline}.

    Kontonummer: {$account}
    KID: {$kid}

    Har du det vanskelig, eller er du uenig i kravet, si fra på siden for saken. Vi finner gjerne en løsning sammen.

## Oppfølging av en nedbetalingsavtale: påminnelse før et avdrag, en vennlig melding når det er for sent, og når avtalen er avsluttet.
plan-reminder-sms = Hei! Avdrag {$number} av {$count} til {$creditor}, {$amount}, forfaller {$due}. KID {$kid}. Betal her: {$link}
plan-reminder-email-subject = Avdrag {$number} til {$creditor} forfaller {$due}
plan-reminder-email-body =
    Hei {$name},

    Dette er en påminnelse om avdrag {$number} av {$count} i nedbetalingsavtalen med {$creditor}.

    Beløp: {$amount}
    Forfall: {$due}
    Kontonummer: {$account}
    KID: {$kid}

    Du kan også betale på siden for saken: {$link}

    Har du allerede betalt, kan du se bort fra denne meldingen.

    Vennlig hilsen
    {$agency}

plan-late-sms = Hei! Vi har ikke fått avdrag {$number} til {$creditor} ({$amount}, forfall {$due}). Betal med KID {$kid} eller her: {$link}
plan-late-email-subject = Vi har ikke fått avdrag {$number} til {$creditor}
plan-late-email-body =
    Hei {$name},

    Vi har ikke registrert betaling av avdrag {$number} i nedbetalingsavtalen med {$creditor}, som forfalt {$due}. Det kan ha krysset denne meldingen, og da kan du se bort fra den.

    Beløp: {$amount}
    Kontonummer: {$account}
    KID: {$kid}

    Du kan også betale på siden for saken: {$link}

    Blir det vanskelig å betale, si fra på siden, så finner vi en løsning sammen.

    Vennlig hilsen
    {$agency}

plan-broken-sms = Nedbetalingsavtalen med {$creditor} er avsluttet fordi avdrag ikke ble betalt. Resten er {$amount}. Se hva du kan gjøre: {$link}
plan-broken-email-subject = Nedbetalingsavtalen med {$creditor} er avsluttet
plan-broken-email-body =
    Hei {$name},

    Nedbetalingsavtalen med {$creditor} er avsluttet, fordi avdrag ikke ble betalt innen fristen.

    Det betyr at resten av kravet, {$amount}, ikke lenger er delt opp i avdrag. Det du har betalt, er trukket fra. Renter for måneder som ikke kommer, er tatt bort. Saken går videre med vanlige betalingspåminnelser.

    Dette kan du gjøre:
    - betale hele eller deler av beløpet til konto {$account} med KID {$kid}, eller på siden for saken
    - be om en ny avtale på siden for saken
    - si fra hvis noe er feil, eller hvis du har det vanskelig

    Siden for saken: {$link}

    Vi hjelper deg gjerne med å finne en løsning.

    Vennlig hilsen
    {$agency}

plan-review-sms = Perioden i den begrensede avtalen med {$creditor} er over. {$agency} ser på saken igjen og tar kontakt: {$link}
plan-review-email-subject = Den begrensede avtalen med {$creditor}: perioden er over
plan-review-email-body =
    Hei {$name},

    Perioden for den begrensede avtalen med {$creditor} er over. Takk for avdragene du har betalt.

    Resten av kravet er {$amount}. {$agency} ser nå på saken din på nytt og tar kontakt med deg om hvordan resten kan betales. Du trenger ikke gjøre noe før du hører fra oss.

    Siden for saken: {$link}

    Vennlig hilsen
    {$agency}

limited-ended-sms = {$agency} har sett på den begrensede avtalen med {$creditor}. Den er avsluttet. Les svaret og hva du kan gjøre: {$link}
limited-ended-email-subject = Den begrensede avtalen med {$creditor} er avsluttet
limited-ended-email-body =
    Hei {$name},

    {$agency} har sett på saken din igjen etter perioden i den begrensede avtalen med {$creditor}. Avtalen er nå avsluttet.

    {$amount} av kravet er igjen. På saksiden kan du lese svaret, betale eller be om en ny nedbetalingsplan: {$link}

    Hvis det er vanskelig å betale, skriv til oss på saksiden, så finner vi en løsning sammen.

    Vennlig hilsen
    {$agency}

## The conversation with the agency (case page, and the SMS or e-mail that an answer waits)
conversation-heading = Meldinger til og fra {$agency}
conversation-title = Skriv til oss
conversation-intro = Her kan du skrive til {$agency}. Svaret kommer på denne siden, og vi sender deg en SMS eller e-post når det er klart.
conversation-from-you = Du skrev
conversation-from-agency = {$agency} svarte
conversation-at = {$date} kl. {$time}
conversation-by-sms = som SMS
conversation-by-email = som e-post
conversation-all = Se alle {$count} meldingene
conversation-waiting = Venter på svar
conversation-label = Din melding
conversation-hint = Høyst {$max} tegn. Ikke skriv passord eller kortnummer.
conversation-submit = Send til {$agency}
conversation-full = Det er ikke plass til flere meldinger i denne saken. Ring {$agency} i stedet.
error-conversation-empty = Skriv en melding før du sender den.
error-conversation-too-long = Meldingen er for lang: høyst {$max} tegn.
error-conversation-characters = Meldingen har tegn vi ikke kan vise. Fjern dem og prøv igjen.
conversation-answer-sms = Du har fått svar fra {$agency}: {$link}
conversation-answer-email-subject = Du har fått svar fra {$agency}
conversation-answer-email-body =
    Hei {$name},

    {$agency} har svart på meldingen din om saken fra {$creditor}. Du kan lese svaret på sidene for saken: {$link}

    Vennlig hilsen
    {$agency}

# Documents on the case page, the receipt upload and the plan as a PDF.
documents-heading = Dokumenter
documents-plan-pdf = Nedbetalingsplanen som PDF
documents-plan-file = nedbetalingsplan
document-kind-invoice = faktura
document-kind-agreement = avtale
document-kind-letter = brev
document-kind-receipt = kvittering
document-kind-other = dokument
dispute-receipt-label = Kvittering eller annet dokument (valgfritt)
dispute-receipt-hint = PDF, JPEG eller PNG, høyst 10 MB.
error-receipt-type = Filen må være en PDF, et JPEG- eller et PNG-bilde. Velg en annen fil.
error-receipt-too-large = Filen er større enn 10 MB. Velg en mindre fil, eller ta et bilde med lavere oppløsning.
plan-pdf-title = Nedbetalingsplan
plan-pdf-creditor = Kreditor: {$creditor}
plan-pdf-agency = Inkassobyrå: {$agency}
plan-pdf-agreed = Avtalt: {$date}
plan-pdf-account = Kontonummer: {$account}
plan-pdf-case-kid = KID for saken: {$kid}
plan-pdf-how = Betal hvert avdrag til kontonummeret med KID-en som står på avdraget.
plan-pdf-col-kid = KID
plan-pdf-total = Til sammen: {$total}

## The debtor's contact details (/case/contact), and the code that confirms a new number or address
details-link = Endre telefonnummer, e-post eller postadresse
details-title = Kontaktopplysningene dine
details-intro = Slik når {$agency} deg. Hvis noe er feil eller har endret seg, kan du endre det her.
details-phone = Mobil
details-email = E-post
details-none = Ikke oppgitt
details-address = Postadresse
details-address-saved = Lagret: {$postcode} {$city}
details-new-phone = Nytt mobilnummer
details-new-phone-hint = Vi sender en kode til det nye nummeret. Nummeret endres når du skriver inn koden her.
details-new-email = Ny e-postadresse
details-new-email-hint = Vi sender en kode til den nye adressen. Adressen endres når du skriver inn koden her.
details-send-code = Send kode
details-code-heading = Skriv inn koden
details-code-sent = Vi har sendt en kode til {$to}. Den gjelder i {$minutes} minutter.
details-code = Kode (6 sifre)
details-confirm = Bekreft
details-code-again = Kom ikke koden? Sjekk nummeret eller adressen og send en ny kode.
details-street = Gate og nummer
details-postcode = Postnummer
details-city = Poststed
details-country = Landkode
details-country-hint = To bokstaver, for eksempel NO for Norge eller PL for Polen.
details-save-address = Lagre adressen
details-done-code = Koden er på vei. Skriv den inn nedenfor når den kommer.
details-done-phone = Mobilnummeret ditt er endret. Vi bruker det fra nå av.
details-done-email = E-postadressen din er endret. Vi bruker den fra nå av.
details-done-address = Postadressen din er lagret.
error-details-phone = Dette ser ikke ut som et mobilnummer. Sjekk det og prøv igjen.
error-details-email = Dette ser ikke ut som en e-postadresse. Sjekk den og prøv igjen.
error-details-same = Dette er allerede nummeret eller adressen vi bruker.
error-details-too-many = Du har bedt om {$max} koder det siste døgnet. Du kan be om en ny etter {$when}.
error-details-code-wrong = Koden er ikke riktig. { $left ->
        [one] Du kan prøve én gang til.
       *[other] Du kan prøve {$left} ganger til.
    }
error-details-code-format = Koden er 6 sifre.
error-details-code-expired = Koden gjelder ikke lenger. Send en ny kode.
error-details-street = Skriv gate og nummer, høyst 100 tegn.
error-details-postcode = Sjekk postnummeret. I Norge har det 4 sifre.
error-details-city = Skriv poststedet, høyst 50 tegn.
error-details-country = Skriv landet med to bokstaver, for eksempel NO.
contact-changed-sms = Et nytt nummer ble lagt inn på en saksside hos {$agency}, og dette nummeret får ikke lenger meldinger om saken. Var det deg, trenger du ikke gjøre noe. Hvis ikke, ta kontakt med {$agency}.
contact-changed-email-subject = E-postadressen er byttet ut hos {$agency}
contact-changed-email-body =
    Hei,

    En ny e-postadresse ble lagt inn på en saksside hos {$agency}, og denne adressen får ikke lenger meldinger om saken. Var det deg, trenger du ikke gjøre noe.

    Var det ikke deg, ta kontakt med {$agency} så snart du kan, så retter de det.

    Vennlig hilsen
    {$agency}
contact-code-sms = Koden din fra {$agency} er {$code}. Skriv den inn på saksiden for å bruke dette nummeret. Ba du ikke om den? Da kan du se bort fra meldingen.
contact-code-email-subject = Koden din fra {$agency}
contact-code-email-body =
    Hei,

    Koden din er {$code}. Skriv den inn på saksiden innen 15 minutter for å få meldinger fra {$agency} på denne adressen.

    Ba du ikke om den? Da kan du se bort fra denne e-posten. Ingenting endres.

    Vennlig hilsen
    {$agency}

## Alle sakene til en skyldner hos ett byrå
others-heading = Dine andre saker hos {$agency}
others-intro = {$agency} har også disse sakene for deg. Du kan se på hver av dem, betale alle, eller be om én plan for alle.
others-show = Se saken fra {$creditor}
others-total = Alle sakene dine til sammen: {$total}
others-pay-all = Betal alle
others-plan-all = Én plan for alle
all-pay-title = Betal alle sakene dine
all-pay-intro = Betal hver sak med sin egen KID, så hver betaling blir regnet på riktig sak. Du kan legge inn alle betalingene på én gang i nettbanken.
all-pay-plan = Denne saken har en nedbetalingsplan. Betal avdragene slik de står på sakens egen side.
all-pay-total = Til sammen: {$total}
all-plan-title = Én plan for alle sakene dine
all-plan-intro = Velg hvor mange måneder du trenger. Hver sak får sin egen plan med så mange månedlige avdrag. Hver kreditors regler avgjør planen: noen kan avtales med en gang, andre ser {$agency} på.
all-plan-months-error = Antall måneder: skriv et helt tall fra 1 til 240.
all-plan-preview-title = Planene dine
all-plan-would-grant = Kan avtales med en gang: {$months} avdrag på {$monthly}, det første forfaller {$date}.
all-plan-would-review = {$agency} må se på denne. Du får svar innen en uke.
all-plan-confirm = Be om disse planene
all-plan-none = Ingen av sakene dine kan få en slik plan. Velg et annet antall måneder, eller kontakt {$agency}.
all-plan-done-title = Planene dine
all-plan-granted = Avtalt: {$months} avdrag på {$monthly}, det første forfaller {$date}. Vi sender deg en bekreftelse.
all-plan-review = Sendt til {$agency}. Du får svar innen en uke.
all-plan-has-plan = Denne saken har allerede en nedbetalingsplan. Den blir som den er.
all-plan-waiting = En forespørsel på denne saken venter på {$agency}. Du kan ikke be om mer før de har svart.
all-plan-failed = Vi fikk ikke behandlet denne saken akkurat nå. Ingenting er endret på den. Prøv igjen om litt.
