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
interest-accrued-label = Late-payment interest accrued to today
interest-accrued-per-day = Grows by {$amount} a day until the claim is paid
breakdown-paid = Paid {$date}
breakdown-left = Left to pay
pay-bank-heading = Pay by bank transfer
pay-bank-account = Account number
pay-bank-kid = KID (payment reference)
pay-bank-amount = Amount
pay-bank-help = Enter the KID when you pay in your online bank. The payment is then matched to your case automatically.
help-heading = Can't pay it all now?
help-body = It is fine to say so. Contact {$agency} and we will find a solution together.
contact-heading = Contact {$agency}
contact-phone = Phone
contact-email = E-mail
contact-hours = Open
status-paid = This case is paid. Thank you!
status-closed = This case is closed. You do not need to do anything more.
switch-language = Language
footer-secure = This page shows only your case. Please do not share the link.

receipt-deferral-sms = Confirmation from {$creditor}: you have more time. The new due date is {$due}. See your case here: {$link}
receipt-deferral-email-subject = You have more time with {$creditor}
receipt-deferral-email-body =
    Hello {$name},

    You have more time. The new due date is {$due}, and the amount is {$amount}.

    See your case here: {$link}

    Kind regards
    {$agency}
receipt-plan-sms = Confirmation from {$creditor}: your payment plan is agreed. The first instalment is {$amount}, due {$due}. See the plan here: {$link}
receipt-plan-email-subject = Your payment plan with {$creditor} is agreed
receipt-plan-email-body =
    Hello {$name},

    Your payment plan is agreed. The first instalment is {$amount}, due {$due}. Each instalment has its own KID, shown in the plan.

    See the plan here: {$link}

    Kind regards
    {$agency}

request-declined-sms = {$agency} has looked at your request about the case from {$creditor}. Read the answer here: {$link}
request-declined-email-subject = Answer to your request about the case from {$creditor}
request-declined-email-body =
    Hello {$name},

    {$agency} has looked at your request. You can read the answer and see what you can do next here:
    {$link}

    Kind regards
    {$agency}
dispute-upheld-sms = {$agency} has looked at your objection to the case from {$creditor} and closed the case. You do not need to do anything more. {$link}
dispute-upheld-email-subject = The case from {$creditor} is closed
dispute-upheld-email-body =
    Hello {$name},

    {$agency} has looked at your objection and closed the case. You do not need to do anything more.
    {$link}

    Kind regards
    {$agency}
note-heading = Message from {$agency}

## Self-service on the case page
actions-heading = What would you like to do?
action-pay = Pay the full amount
action-more-time = Ask for more time
action-plan = Pay in instalments
action-dispute = I disagree, or I have already paid
partial-payment = You can also pay part of it now, at least {$min}. Use the same account number and KID.
pending-review = We have your request. {$agency} will answer you within a week.
waiting-title = Your request is waiting for an answer
waiting-deferral = On {$since} you asked for a new due date: {$date}.
waiting-plan = On {$since} you asked to pay in {$months} instalments of {$monthly}.
waiting-dispute = On {$since} you told us you disagree or have already paid.
waiting-body = {$agency} will answer you within a week. You can ask for something new once you have the answer.
status-disputed = You told us you disagree or have paid. Collection is paused while {$agency} looks into it, and you will hear from us within a week.
plan-active-heading = Your payment plan
plan-broken-heading = Your payment plan has ended
plan-broken-text = The plan ended on {$date} because instalments were not paid. What you have paid has been taken off, and interest for the months that will not come has been removed. You can pay the rest, ask for a new plan, or tell us if something is wrong.
plan-next-label = Next instalment ({$number} of {$count})
plan-next-late = This instalment was due on {$date}. Please pay it as soon as you can. Your plan still holds.
plan-next-missed = This instalment was due on {$date} and is not paid yet. Please pay it as soon as you can, or contact {$agency} if you need help.
plan-all-paid = Every instalment is paid. Thank you!
plan-limited-explain = This is a limited agreement: you pay smaller instalments for {$months} months, {$paid} in all. After that {$left} is still owed, and {$agency} will look at your case again. If the instalments have gone well, you can then agree together on how to pay the rest.
plan-limited-review = Every instalment of your limited agreement is paid. Thank you! {$agency} will now look at your case again and contact you about the {$left} that is left.
instalment-heading = Instalment {$number}
instalment-paid = Paid
instalment-next = Next to pay
instalment-upcoming = Not due yet
instalment-late = Late
instalment-missed = Overdue, not paid
instalment-partly-paid = {$paid} paid, {$left} left
back = Back to the case
form-expired-title = The form has expired
form-expired-body = For your safety, please open the case again and try once more. Nothing has been changed.

more-time-title = Ask for more time
more-time-current = The current due date is {$date}.
more-time-intro = Choose a new due date. Dates marked "at once" are granted straight away. {$agency} looks at later dates and answers within a week.
more-time-instant = at once
more-time-review = reviewed
more-time-submit = Ask for this date
more-time-legend = New due date
error-choose-date = Please choose one of the dates in the list.

plan-title = Pay in instalments
plan-intro = You can spread {$amount} over {$min} to {$max} months. The smallest instalment is {$min_instalment}.
plan-months-label = Number of months
plan-monthly-label = Or enter how much you can pay each month
plan-preview-submit = Show the plan
plan-preview-title = Your plan
plan-col-number = No.
plan-col-date = Due
plan-col-amount = Amount
plan-extra-cost = The plan costs {$cost} extra (fee {$fee}, interest {$interest}). In total you pay {$total}.
plan-no-extra-cost = The plan costs nothing extra. In total you pay {$total}.
plan-confirm = Agree to the plan
plan-choose-other = Choose another plan
error-amount = Enter an amount, for example 500 or 500.50.

dispute-title = Disagree, or already paid?
dispute-intro = Tell us what is wrong. While we look into it, collection is paused and no reminders are sent.
dispute-text-label = What is wrong?
dispute-paid-heading = Have you paid? Fill in what you know.
dispute-paid-on = Date you paid
dispute-paid-amount = Amount you paid
dispute-paid-reference = Reference or KID you used
dispute-submit = Send to {$agency}
error-dispute-text = Please write briefly what is wrong (at most 2000 characters).
error-date = Please write the date as dd.mm.yyyy.
error-paid-on-future = The date cannot be later than today.
error-paid-on-before-claim = The date cannot be before {$earliest}: the claim did not exist yet.
error-paid-amount-above-total = The amount cannot be more than the whole claim, {$total}.
dispute-received-title = Thank you. Collection is paused.
dispute-received-body = {$agency} will look at what you wrote and answer within a week. You do not need to do anything until you hear from us.

granted-deferral-title = You have more time
granted-deferral-body = The new due date is {$date}. We will send you a confirmation.
granted-plan-title = Your plan is agreed
granted-plan-body = The first instalment is {$amount}, due {$date}. Each instalment has its own KID. We will send you a confirmation.
review-title = We have your request
review-body = {$agency} will look at it and answer within a week. You do not need to do anything until you hear from us.
review-longer_than_auto_grant = What you asked for is longer than we can grant straight away.
review-balance_outside_range = For this amount, a person needs to look at the case.
review-limited_agreement_ended = The period of your limited agreement is over, so a person looks at your case again.
refused-title = We cannot grant that here
refused-not_offered = The creditor does not offer this for this case.
refused-no_more_deferrals = This case has already had {$granted} deferrals, and the creditor allows {$max}.
refused-date_not_later = You chose {$asked}, but the new date must be after the current due date, {$due}.
refused-too_long = That is longer than the creditor allows.
refused-plan-too-long = You asked for {$asked} months; the creditor allows at most {$max}.
refused-deferral-too-long = You asked for {$asked} more days; the creditor allows at most {$max} days.
refused-instalment_too_small = That makes instalments of {$asked} a month, below the smallest instalment of {$min}.
refused-too_few_instalments = A plan needs at least 2 instalments.
refused-nothing_owed = There is nothing to pay on this case.
offer-deferral = We can give you until {$date}.
offer-plan = The longest plan we can grant straight away is {$months} months of {$monthly} a month.
offer-accept = Yes please
refused-contact = If you need another solution, please contact {$agency}.

verify-title = Confirm it is you
verify-intro = Before we show the case, please confirm who you are.
verify-postcode = Your postcode
verify-birth-date = Your date of birth (dd.mm.yyyy)
verify-submit = Continue
verify-wrong = That did not match. You have {$left} attempts left.

## Errors
not-found-title = This link does not work
not-found-body = The link may have expired, been used up or been typed in wrong. If you got a message from us, reply to it or contact the sender and we will help you.
too-many-title = Too many attempts
too-many-body = Please wait a little and try again.
too-many-locked-body = The answers did not match what we have too many times, so we have closed the page for a while to protect your case. It opens again {$when}, on {$date} at {$time}. You can try again then.
too-many-in-hours = in {$hours} hours
too-many-within-hour = in less than an hour
error-title = Something went wrong
error-body = We could not show the page right now. Please try again in a little while.

## Accessibility statement (linked from every page)
a11y-link = Accessibility
a11y-title = Accessibility of the pages about your case
a11y-intro = We want everyone to be able to use the pages about their case: on a small phone, with large text, with a screen reader or with a keyboard only. The pages work without JavaScript.
a11y-tested-heading = How we test
a11y-tested-body = Every time the pages change, an automatic test goes through every page and every form, with and without mistakes, in a real browser. It checks the pages with the axe-core tool against WCAG 2.1 level AA, at normal text size and with text twice as large, and checks that nothing gets wider than the screen of a phone 320 pixels wide.
a11y-limits-heading = What is not good enough yet
a11y-limits-body = Automatic tests do not find everything, so we also read the pages ourselves. The pages are in Norwegian bokmål, Norwegian nynorsk, English, Polish and Ukrainian; text messages in Polish and Ukrainian are short, because each part of such a message holds fewer characters.
a11y-contact-heading = Tell us if something does not work
a11y-contact-body = If you cannot do something on the pages, contact whoever sent you the message, and we will help you another way. You can also complain to the Norwegian Authority for Universal Design of ICT.

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

## Payment receipts (SMS within GSM-7)
receipt-payment-sms = Thank you! {$creditor} has received {$paid}. What is left is {$amount}. See the case here: {$link}
receipt-payment-email-subject = We have received your payment to {$creditor}
receipt-payment-email-body =
    Hello {$name},

    Thank you! We have received {$paid}. What is left to pay is {$amount}.

    See the case here: {$link}

    Kind regards
    {$agency}
receipt-paid-sms = Thank you! The case from {$creditor} is paid, and you do not need to do anything more. {$agency}
receipt-paid-email-subject = The case from {$creditor} is paid
receipt-paid-email-body =
    Hello {$name},

    Thank you! We have received {$paid}, and the case from {$creditor} is now paid. You do not need to do anything more.

    Kind regards
    {$agency}

## Paying online
pay-online-heading = Pay now
pay-with-vipps = Pay {$amount} with Vipps
pay-with-card = Pay {$amount} by card
pay-part-link = Want to pay part of the amount?
plan-pay-catch-up = The buttons pay what is due now: instalments {$numbers}, {$amount} in all. Then your plan is on track again.
pay-title = Pay
pay-amount-label = Amount, from {$min} to {$max}
pay-by-vipps = Pay with Vipps
pay-by-card = Pay by card
pay-error-amount = Enter an amount from {$min} to {$max}.
pay-unavailable = We could not start the payment just now. Please try again in a little while, or pay by bank transfer.
paid-title = Thank you for paying
paid-part-body = Thank you! We have received the payment. What is left to pay on the case is {$left}. You will get a receipt.
paid-confirming-title = We are waiting for the payment to be confirmed
paid-confirming-body = We have not had the confirmation of the payment yet. It usually takes only a few minutes. Please do not pay again.
paid-check-again = Check whether the payment has arrived
paid-confirming-help = If more than an hour has passed and the money has been taken, please contact {$agency}.
paid-failed-title = The payment did not go through
paid-failed-body = No money has been taken. You can try again, with another card, or pay by bank transfer.
paid-try-again = Try paying again
fake-title = Test payment
fake-body = In the demo this page stands in for {$method}. No money is taken.
fake-approve = Approve {$amount}
fake-decline = Cancel
declined-title = The payment was not completed
declined-body = No money has been taken. You can try again, or pay by bank transfer.
method-vipps = Vipps
method-card = card

## Opting in and out (SMS within GSM-7)
opt-in-sms = You will get text messages from {$agency} again about the case from {$creditor}. Reply STOP if you want them to stop.
opt-in-email-subject = Text messages from {$agency} again
opt-in-email-body =
    Hello {$name},

    You will get text messages from {$agency} again about the case from {$creditor}. Reply STOP to a message if you want them to stop.

    Kind regards
    {$agency}
unsubscribe-title = Stop e-mails from us?
unsubscribe-body = We will send no more e-mails to {$address} about the cases we follow up. Your case does not change, and important notices may still come by text message or letter.
unsubscribe-button = Yes, stop the e-mails
unsubscribed-title = You will get no more e-mails from us
unsubscribed-body = We have stopped e-mails to {$address}. Your case has not changed: you can still open it from a message you have received.
# A form post larger than the server takes (only a tampered form gets there).
too-large-title = What you sent is too long
too-large-body = The form was too large for us to receive. Go back, shorten the text and try again.

## Collection journey: one family per kind of step. `-sms` and `-email-*` are what is sent;
## `-notice` is the written notice itself, shown behind the link (an e-mail carries it in its
## body). Each SMS fits one part (160 GSM-7 characters) with a full link: check-config measures
## them, and checks that each notice shows what the law requires it to say.
journey-nudge-sms = Hi! Your bill of {$amount} from {$creditor} is not paid yet. Pay or ask for more time: {$link}
journey-nudge-email-subject = Your bill from {$creditor} is not paid yet
journey-nudge-email-body =
    Hello {$name},

    Your bill from {$creditor} of {$amount}, due {$due}, is not paid yet. It is easily forgotten.

    Here you can pay, or ask for more time if you need it:
    {$link}

    If you have already paid, please ignore this message.

    Kind regards
    {$agency}

journey-purring-sms = Reminder from {$creditor}: Please pay {$amount} by {$deadline}. See the case: {$link}
journey-purring-email-subject = Reminder: bill from {$creditor}
journey-purring-email-body =
    Hello {$name},

    { journey-purring-notice }

    See the case and pay here: {$link}

    Kind regards
    {$agency}
journey-purring-notice =
    Reminder of an unpaid bill

    We have not received payment for {$claim_for} from {$creditor}. The bill was due {$due}.

    To pay: {$amount}
    Pay by: {$deadline}
    Account number: {$account}
    KID: {$kid}

    The amount includes a reminder fee of {$fee}, as the law allows. The case page shows what the amount is made of.

    If you cannot pay it all now, you can ask for more time or split the amount on the case page. If you have already paid, please ignore this reminder.

journey-inkassovarsel-sms = {$creditor}: Pay {$amount} by {$deadline} to avoid debt collection. Read more: {$link}
journey-inkassovarsel-email-subject = Important: please pay the bill from {$creditor} by {$deadline}
journey-inkassovarsel-email-body =
    Hello {$name},

    { journey-inkassovarsel-notice }

    See the case and pay here: {$link}

    Kind regards
    {$agency}
journey-inkassovarsel-notice =
    Notice of debt collection (inkassovarsel)

    The bill for {$claim_for} from {$creditor} is still not paid. It was due {$due}.

    To pay: {$amount}
    Of which the fee for this notice: {$fee}
    Pay by: {$deadline}
    Account number: {$account}
    KID: {$kid}

    What does this mean? If the amount is not paid by {$deadline}, the claim will be sent to debt collection. A collection agency then takes over the claim and may add further costs. If you pay by the deadline, that will not happen.

    The payment is on time if your bank has received the payment order by the deadline.

    If you disagree with the claim, or need more time, tell us on the case page. We will look at it before anything else happens.

journey-betalingsoppfordring-sms = {$agency}: Pay {$amount} by {$deadline}, or tell us if you disagree: {$link}
journey-betalingsoppfordring-email-subject = Demand for payment: the claim from {$creditor}
journey-betalingsoppfordring-email-body =
    Hello {$name},

    { journey-betalingsoppfordring-notice }

    See the case, pay, or tell us you disagree here: {$link}

    Kind regards
    {$agency}
journey-betalingsoppfordring-notice =
    Demand for payment (betalingsoppfordring)

    {$agency} is following up a claim from {$creditor} for {$claim_for}.

    Principal: {$principal}
    Additional amounts (fees and interest): {$additional}
    Total to pay: {$amount}
    Late-payment interest: {$interest_rate} a year, from {$interest_from}

    You have until {$deadline} to pay, or to tell us if you disagree with the claim.
    Account number: {$account}
    KID: {$kid}

    If the claim is not paid and you do not tell us you disagree, this can lead to further costs and to the case going to the conciliation board or the enforcement officer.

    If you think we have done something wrong, you have the right to complain and have the case heard by a complaints board (inkassoloven § 22).

journey-final-notice-sms = {$creditor}: Last reminder. Pay {$amount} by {$deadline} or contact us: {$link}
journey-final-notice-email-subject = Last reminder about the bill from {$creditor}
journey-final-notice-email-body =
    Hello {$name},

    { journey-final-notice-notice }

    See the case and pay here: {$link}

    Kind regards
    {$agency}
journey-final-notice-notice =
    Last reminder

    The bill from {$creditor} of {$amount} is still not paid. Please pay by {$deadline}.

    Account number: {$account}
    KID: {$kid}

    If things are difficult, or you disagree with the claim, tell us on the case page. We are glad to find a solution together.

## Following up a payment plan: a reminder before an instalment, a friendly note when one is late, and when the plan has ended.
plan-reminder-sms = Hello! Instalment {$number} of {$count} to {$creditor}, {$amount}, is due {$due}. KID {$kid}. Pay here: {$link}
plan-reminder-email-subject = Instalment {$number} to {$creditor} is due {$due}
plan-reminder-email-body =
    Hello {$name},

    This is a reminder of instalment {$number} of {$count} in your payment plan with {$creditor}.

    Amount: {$amount}
    Due: {$due}
    Account number: {$account}
    KID: {$kid}

    You can also pay on the case page: {$link}

    If you have already paid, please ignore this message.

    Kind regards
    {$agency}

plan-late-sms = Hello! We have not received instalment {$number} to {$creditor} ({$amount}, due {$due}). Pay with KID {$kid} or here: {$link}
plan-late-email-subject = We have not received instalment {$number} to {$creditor}
plan-late-email-body =
    Hello {$name},

    We have not registered a payment of instalment {$number} in your payment plan with {$creditor}, due {$due}. It may have crossed this message; if so, please ignore it.

    Amount: {$amount}
    Account number: {$account}
    KID: {$kid}

    You can also pay on the case page: {$link}

    If paying is difficult, tell us on the page and we will find a solution together.

    Kind regards
    {$agency}

plan-broken-sms = Your payment plan with {$creditor} has ended because instalments were not paid. {$amount} is left. See what you can do: {$link}
plan-broken-email-subject = Your payment plan with {$creditor} has ended
plan-broken-email-body =
    Hello {$name},

    Your payment plan with {$creditor} has ended, because instalments were not paid in time.

    This means the rest of the claim, {$amount}, is no longer split into instalments. What you have paid has been taken off. Interest for the months that will not come has been removed. The case continues with the usual payment reminders.

    What you can do:
    - pay all or part of the amount to account {$account} with KID {$kid}, or on the case page
    - ask for a new plan on the case page
    - tell us if something is wrong, or if things are difficult

    The case page: {$link}

    We are glad to help you find a solution.

    Kind regards
    {$agency}

plan-review-sms = The period of your limited agreement with {$creditor} is over. {$agency} will look at your case again and contact you: {$link}
plan-review-email-subject = Your limited agreement with {$creditor}: the period is over
plan-review-email-body =
    Hello {$name},

    The period of your limited agreement with {$creditor} is over. Thank you for the instalments you have paid.

    {$amount} of the claim is left. {$agency} will now look at your case again and contact you about how to pay the rest. You do not need to do anything until you hear from us.

    The case page: {$link}

    Kind regards
    {$agency}

limited-ended-sms = {$agency} has looked at your limited agreement with {$creditor}. It has ended. Read the answer and what you can do: {$link}
limited-ended-email-subject = Your limited agreement with {$creditor} has ended
limited-ended-email-body =
    Hello {$name},

    {$agency} has looked at your case again after the period of your limited agreement with {$creditor}. The agreement has now ended.

    {$amount} of the claim is left. On the case page you can read the answer, pay, or ask for a new payment plan: {$link}

    If paying is hard, write to us on the case page and we will find a way together.

    Kind regards
    {$agency}

## The conversation with the agency (case page, and the SMS or e-mail that an answer waits)
conversation-heading = Messages to and from {$agency}
conversation-title = Write to us
conversation-intro = Here you can write to {$agency}. The answer comes on this page, and we send you a text message or e-mail when it is ready.
conversation-from-you = You wrote
conversation-from-agency = {$agency} answered
conversation-at = {$date} at {$time}
conversation-by-sms = as a text message
conversation-by-email = as an e-mail
conversation-all = See all {$count} messages
conversation-waiting = Waiting for an answer
conversation-label = Your message
conversation-hint = At most {$max} characters. Please do not write passwords or card numbers.
conversation-submit = Send to {$agency}
conversation-full = There is no room for more messages on this case. Please call {$agency} instead.
error-conversation-empty = Please write a message before you send it.
error-conversation-too-long = The message is too long: at most {$max} characters.
error-conversation-characters = The message has characters we cannot show. Please remove them and try again.
conversation-answer-sms = You have an answer from {$agency}: {$link}
conversation-answer-email-subject = You have an answer from {$agency}
conversation-answer-email-body =
    Hello {$name},

    {$agency} has answered your message about the case from {$creditor}. You can read the answer on the case page: {$link}

    Kind regards
    {$agency}

# Documents on the case page, the receipt upload and the plan as a PDF.
documents-heading = Documents
documents-plan-pdf = The payment plan as a PDF
documents-plan-file = payment-plan
document-kind-invoice = invoice
document-kind-agreement = agreement
document-kind-letter = letter
document-kind-receipt = receipt
document-kind-other = document
dispute-receipt-label = Receipt or other document (optional)
dispute-receipt-hint = PDF, JPEG or PNG, at most 10 MB.
error-receipt-type = The file must be a PDF, a JPEG or a PNG image. Please choose another file.
error-receipt-too-large = The file is larger than 10 MB. Please choose a smaller file, or take a picture at a lower resolution.
plan-pdf-title = Payment plan
plan-pdf-creditor = Creditor: {$creditor}
plan-pdf-agency = Collection agency: {$agency}
plan-pdf-agreed = Agreed: {$date}
plan-pdf-account = Account number: {$account}
plan-pdf-case-kid = KID of the case: {$kid}
plan-pdf-how = Pay each instalment to the account number with the KID shown for that instalment.
plan-pdf-col-kid = KID
plan-pdf-total = In total: {$total}

## The debtor's contact details (/case/contact), and the code that confirms a new number or address
details-link = Change your phone number, e-mail or postal address
details-title = Your contact details
details-intro = This is how {$agency} reaches you. If something is wrong or has changed, you can change it here.
details-phone = Mobile
details-email = E-mail
details-none = Not given
details-address = Postal address
details-address-saved = Saved: {$postcode} {$city}
details-new-phone = New mobile number
details-new-phone-hint = We send a code to the new number. The number changes when you type the code here.
details-new-email = New e-mail address
details-new-email-hint = We send a code to the new address. The address changes when you type the code here.
details-send-code = Send code
details-code-heading = Type the code
details-code-sent = We have sent a code to {$to}. It is valid for {$minutes} minutes.
details-code = Code (6 digits)
details-confirm = Confirm
details-code-again = Did the code not come? Check the number or address and send a new code.
details-street = Street and number
details-postcode = Postcode
details-city = Town or city
details-country = Country code
details-country-hint = Two letters, for example NO for Norway or PL for Poland.
details-save-address = Save address
details-done-code = The code is on its way. Type it below when it arrives.
details-done-phone = Your mobile number has been changed. We will use it from now on.
details-done-email = Your e-mail address has been changed. We will use it from now on.
details-done-address = Your postal address has been saved.
error-details-phone = This does not look like a mobile number. Check it and try again.
error-details-email = This does not look like an e-mail address. Check it and try again.
error-details-same = This is already the number or address we use.
error-details-too-many = You have asked for {$max} codes in the last day. You can ask for a new one after {$when}.
error-details-code-wrong = The code is not right. { $left ->
        [one] You can try one more time.
       *[other] You can try {$left} more times.
    }
error-details-code-format = The code is 6 digits.
error-details-code-expired = The code is no longer valid. Send a new code.
error-details-street = Write the street and number, at most 100 characters.
error-details-postcode = Check the postcode. In Norway it is 4 digits.
error-details-city = Write the town or city, at most 50 characters.
error-details-country = Write the country as two letters, for example NO.
contact-changed-sms = A new number was entered on a case page at {$agency}, and this number no longer gets messages about the case. If that was you, there is nothing to do. If not, please contact {$agency}.
contact-changed-email-subject = The e-mail address was changed at {$agency}
contact-changed-email-body =
    Hello,

    A new e-mail address was entered on a case page at {$agency}, and this address no longer gets messages about the case. If that was you, there is nothing to do.

    If it was not you, please contact {$agency} as soon as you can, and they will put it right.

    Kind regards
    {$agency}
contact-code-sms = Your code from {$agency} is {$code}. Type it on the case page to use this number. Did you not ask for it? Then you can ignore this message.
contact-code-email-subject = Your code from {$agency}
contact-code-email-body =
    Hello,

    Your code is {$code}. Type it on the case page within 15 minutes to get messages from {$agency} at this address.

    Did you not ask for it? Then you can ignore this e-mail. Nothing changes.

    Kind regards
    {$agency}

## All of a debtor's cases at one agency
others-heading = Your other cases with {$agency}
others-intro = {$agency} also handles these cases for you. You can look at each one, pay them all, or ask for one plan for all of them.
others-show = See the case from {$creditor}
others-total = All your cases together: {$total}
others-pay-all = Pay all
others-plan-all = One plan for all
all-pay-title = Pay all your cases
all-pay-intro = Pay each case with its own KID, so every payment is counted on the right case. You can make all the payments at once in your online bank.
all-pay-plan = This case has a payment plan. Pay its instalments as shown on its own page.
all-pay-total = In all: {$total}
all-plan-title = One plan for all your cases
all-plan-intro = Choose how many months you need. Each case gets its own plan with that many monthly instalments. Each creditor's rules decide its plan: some can be agreed straight away, others {$agency} will look at.
all-plan-months-error = Number of months: please enter a whole number from 1 to 240.
all-plan-preview-title = Your plans
all-plan-would-grant = Can be agreed straight away: {$months} instalments of {$monthly}, the first due {$date}.
all-plan-would-review = {$agency} needs to look at this one. They will answer within a week.
all-plan-confirm = Ask for these plans
all-plan-none = None of your cases can have a plan like this. Choose another number of months, or contact {$agency}.
all-plan-done-title = Your plans
all-plan-granted = Agreed: {$months} instalments of {$monthly}, the first due {$date}. We will send you a confirmation.
all-plan-review = Sent to {$agency}. They will answer within a week.
all-plan-has-plan = This case already has a payment plan. It stays as it is.
all-plan-waiting = A request on this case is waiting for {$agency}. Nothing more can be asked until they answer.
all-plan-failed = We could not handle this case just now. Nothing was changed on it. Please try again in a little while.
