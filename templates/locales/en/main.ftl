## Everything a debtor reads in English. Plain words, no threats, no jargon.

## Messages (SMS must stay within GSM-7: no curly quotes, dashes or emoji)
reminder-sms = Hello! You have an unpaid bill from {$creditor} of {$amount}, due {$due}. See it, pay or ask for more time here: {$link}
reminder-email-subject = Unpaid bill from {$creditor}
reminder-email-body =
    Hello {$name},

    You have an unpaid bill from {$creditor} of {$amount}, due {$due}.

    On this page you can see what the amount is made of, pay it, or ask for more time if you need it:
    {$link}

    If you have already paid, please ignore this message.

    Kind regards
    {$agency}

## Case page
page-title = Your case with {$creditor}
amount-due-label = Amount due
due-date-label = Due date
reference-label = Case number
creditor-label = Creditor
collected-by = {$agency} follows up this case on behalf of {$creditor}.
breakdown-heading = What the amount is made of
claim-principal = Principal
claim-interest = Interest
claim-fee = Fee
total-label = Total
pay-bank-heading = Pay by bank transfer
pay-bank-account = Account number
pay-bank-kid = KID (payment reference)
pay-bank-amount = Amount
pay-bank-help = Enter the KID when you pay in your online bank. The payment is then matched to your case automatically.
help-heading = Can't pay it all now?
help-body = It is fine to say so. Contact {$agency} and we will find a solution together.
status-paid = This case is paid. Thank you!
status-closed = This case is closed. You do not need to do anything more.
switch-language = Norsk
footer-secure = This page shows only your case. Please do not share the link.

## Errors
not-found-title = This link does not work
not-found-body = The link may have expired, been used up or been typed in wrong. If you got a message from us, reply to it or contact the sender and we will help you.
too-many-title = Too many attempts
too-many-body = Please wait a little and try again.
error-title = Something went wrong
error-body = We could not show the page right now. Please try again in a little while.

## Dates
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
date-format = {$day} {$month} {$year}
