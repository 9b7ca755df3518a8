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
pay-bank-heading = Betal med bankoverføring
pay-bank-account = Kontonummer
pay-bank-kid = KID
pay-bank-amount = Beløp
pay-bank-help = Skriv inn KID-nummeret når du betaler i nettbanken. Da blir betalingen registrert på saken din automatisk.
help-heading = Kan du ikke betale alt nå?
help-body = Det er helt i orden å si fra. Ta kontakt med {$agency}, så finner vi en løsning sammen.
status-paid = Denne saken er betalt. Takk!
status-closed = Denne saken er avsluttet. Du trenger ikke gjøre noe mer.
switch-language = English
footer-secure = Siden viser bare din sak. Del ikke lenken med andre.

## Errors
not-found-title = Lenken virker ikke
not-found-body = Lenken kan være utløpt, brukt opp eller skrevet inn feil. Har du fått en melding fra oss, kan du svare på den eller kontakte avsenderen, så hjelper vi deg.
too-many-title = For mange forsøk
too-many-body = Vent litt og prøv igjen.
error-title = Noe gikk galt
error-body = Vi klarte ikke å vise siden akkurat nå. Prøv igjen om litt.

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
