"""Whether a customer reports a problem the company caused, however calmly they put it.

The assessor's signals catch an inconvenience told with feeling (waiting, a broken promise,
frustration); a customer who writes "I've been charged twice for order 2210" or "the tracking
says delivered but nothing came" states one flatly, and is owed an apology all the same
(taxonomy.md section 3, step 4). :data:`COMPANY_FAULTS` are the ways customers report such a
problem, in the phrase language of :mod:`deescalate.phrases`: things that arrived broken, late,
wrong or not at all, charges taken twice or after cancelling, services down, visits and calls
that never came, codes and cards that do not work. They are written in the company's voice of
fault, so that a plain question ("Do you deliver to Portugal?", "I was charged 8.50 for
delivery, can I have a receipt?") and the customer's own slip ("I ordered the wrong size", "I
forgot my password") match none of them. Something not yet arrived is a fault too, unless the
customer asks about it as on its way (:data:`NOT_YET_FAULTS`). The coach's ``missing-apology``
rule and the conversation's playbook state both read :func:`reports_company_fault`.
"""

from __future__ import annotations

import re

from deescalate.once import once
from deescalate.phrases import CompiledPhrase, compile_phrase, find_all, text_words

__all__ = ["COMPANY_FAULTS", "NOT_YET_FAULTS", "reports_company_fault"]

# Who acts for the company in a customer's report of a fault.
_AGENTS = (
    "(you|you've|you guys|they|they've|he|she|engineer|technician|driver|courier|delivery|"
    "fitter|installer|plumber|electrician|agent|staff|rep|someone|somebody|team|sent|app|update|"
    "website|site|system)"
)
# What arrived wrong: the words after "arrived" / "came" that make it a fault.
_ARRIVED_WRONG = (
    "(damaged|broken|smashed|cracked|dented|torn|ripped|scratched|stained|faulty|defective|"
    "leaking|wet|soaked|soaking|opened|late|used|incomplete|empty|missing|without|crushed|bent|"
    "mouldy|moldy|spoiled|spoilt|expired|in pieces|half empty|with a broken|with a crack|"
    "with a hole|with a dent|with a tear|with a scratch|with a stain|with a missing|with no|"
    "with the wrong|in the wrong|in a different)"
)
_ITEM = (
    "(item|items|size|colour|color|product|order|model|part|parts|thing|one|book|parcel|"
    "package|amount|bill|invoice|charge|address|name|date|time|ticket|tickets|room|meal|food|"
    "dish|drink|version|phone|card|plan|tariff)"
)

COMPANY_FAULTS: tuple[str, ...] = (
    # arrived broken, late, wrong or incomplete
    "(arrived|came|turned up|showed up|was delivered|were delivered|got here) {w:0-2} "
    + _ARRIVED_WRONG,
    "but (i|we) (had)? (ordered|asked for|paid for|booked|chose|selected)",
    "instead of (the|a|an|my|our)? {w:0-2} (i|we) (ordered|asked for|paid for|booked)",
    "(sent|send|gave|given|delivered|shipped|received|got|get|brought|served) (me|us)? "
    "(the|a|an)? (wrong|incorrect) " + _ITEM,
    "(sent|delivered|went|gone|shipped|posted|left|dropped off|taken|dropped) (to|at) (the|a|an)? "
    "(wrong|incorrect|old|different|neighbour's|neighbor's) (address|house|flat|door|person|"
    "place|store|branch|country|postcode|building|apartment)",
    "(sent|gave|given|delivered|shipped|brought|served) (me|us) (a|an|the) (used|damaged|broken|"
    "faulty|defective|second-hand|secondhand|fake|counterfeit|opened|expired|dirty|stained|cold|"
    "empty|half-empty)",
    "(someone else's|somebody else's|another person's|another customer's|a stranger's) "
    "(order|parcel|package|item|items|bill|account|details|name|shopping|delivery)",
    # never arrived, never came back, never heard (see also NOT_YET_FAULTS)
    "never (arrived|came|turned up|showed up|showed|got here|got delivered|got through|got back)",
    "(nobody|no one|no-one|noone) (has|have|had)? (ever)? (called|came|come|turned up|showed up|"
    "shown up|rang|phoned|got back|gotten back|replied|answered|responded|contacted|fixed|"
    "picked up|followed up|bothered|emailed|been in touch|came back|called back|rang back)",
    f"{_AGENTS} (didn't|did not|never|hasn't|has not|haven't|have not|failed to|forgot to) "
    "(call|ring|phone|show|show up|turn up|come|call back|ring back|get back|reply|respond|"
    "follow up|answer|email|arrive|deliver|collect|fix|repair|connect|install|refund|send)",
    f"{_AGENTS} (missed|forgot|lost|broke|damaged|deleted|wiped|erased|ruined|scratched|"
    "dented|stained|messed up|mixed up|overcharged|double charged|ignored|cut off)",
    "(appointment|visit|callback|call back|delivery|installation|collection|booking|"
    "reservation) (was|were|has been|got) (missed|cancelled|canceled|lost|forgotten|moved)",
    "delivered but (there's|there is|nothing|no|never|not|it's not|it isn't|it wasn't|it never)",
    "delivered but (i|we) (haven't|have not|never|didn't|did not|can't|cannot|couldn't|don't)",
    "no record of (my|our|the) (booking|order|payment|reservation|appointment|account|claim|"
    "call|complaint|return|refund)",
    # charged twice, wrongly or after cancelling
    "(was|were|been|got|getting|you|you've|they|they've|have|has|had|keep|keeps|kept) "
    "(charged|billed|debited|charging|billing) (me|us)? {w:0-4} (twice|double|two times|"
    "three times|again|more than once|too much|the wrong|incorrectly|wrongly|by mistake|"
    "in error|an extra|extra|for nothing)",
    "(charged|billed|debited|paid|taken|took) {w:0-3} twice",
    "overcharged",
    "(two|2|three|3|multiple|several) (payments|charges|debits|transactions|bills|invoices) "
    "(for|on|of) (the same|one|a single|just one)",
    "(double|duplicate) (charge|charges|charged|payment|payments|debit|debits|"
    "billing|transaction|transactions|deduction)",
    "(charged|billed|debited|charging|billing|paying) {w:0-6} (after|though|although|"
    "even though|despite|but) (i|we) (had|have)? (already)? (cancelled|canceled|closed|"
    "returned|sent back|ended|stopped|paid)",
    "(money|payment|funds|amount) {w:0-2} (left|taken from|came out of|gone from|went out of|"
    "still left|was still taken from) (my|our) (account|card|bank)",
    # a service down, a product that stopped working
    "(internet|broadband|wifi|wi-fi|signal|service|power|electricity|heating|water|gas|"
    "phone|line|app|site|website|tv|network|connection|service|system|server) "
    "(is|has been|was|keeps|kept|went|has gone|goes|keeps going|have been|is still|"
    "has been going) (down|off|out|offline|dead|dropping|cutting out|dropping out|crashing|"
    "freezing|disconnecting|failing)",
    "(no|without) (internet|broadband|wifi|wi-fi|signal|service|power|electricity|heating|"
    "heat|hot water|water|gas|phone|tv|connection|landline) (for|since)",
    "(doesn't|does not|won't|will not|isn't|is not|wasn't|was not|didn't|did not|stopped|"
    "has stopped|have stopped|keeps|kept|keep|hasn't|has not|haven't|have not) "
    "(work|working|worked|fit|charge|charging|hold a charge|turn on|turning on|switch on|"
    "switching on|connect|connecting|load|loading|apply|applying|scan|scanning|open|opening|"
    "start|starting|print|printing|sync|syncing|logging me out|crashing|freezing|dropping|"
    "cutting out|disconnecting|restarting|been working)",
    "(broken|broke|failed|stopped|faulty|down|happened) again",
    "(same|this) (problem|issue|fault|thing) (again|has come back|is back)",
    "since the (last|latest|recent|new) (update|upgrade|change|install|installation|visit|"
    "repair|release|version)",
    "(code|voucher|coupon|discount|promo|gift card|giftcard|link|reset link|key|ticket|"
    "qr code|barcode) {w:0-3} (doesn't|does not|didn't|did not|won't|isn't|is not|wasn't|"
    "was not) (work|working|valid|accepted|apply|applied|recognised|recognized|scan|load)",
    "(showing|shows|says|said|showed|comes up|coming up|came up) (as)? (expired|invalid|"
    "declined|an error|error|unavailable)",
    "(was|were|got|keeps getting|keeps being|is being|has been) (refused|declined)",
    # rude or unhelpful staff, hung up on
    "(was|were|been|being) (so|very|really|extremely|incredibly)? (rude|unhelpful|abusive|"
    "dismissive|aggressive) (to|with|towards|on)?",
    "(hung up|put the phone down|cut me off) (on)? (me|us)?",
    "(left|thrown|threw|dumped|chucked) {w:0-3} (in|over|on) the (rain|fence|gate|wall|"
    "pavement|street|road|doorstep|step|drive|bin|hedge)",
    "(parcel|package|order|delivery|refund|luggage|bag|suitcase|payment|claim|item) "
    "(is|was|has been|got|went) (lost|missing|delayed|late|damaged|stolen)",
    "without (warning|notice|asking|telling me|my consent|my permission|any reason|"
    "explanation|any explanation)",
)
"""How customers report a problem the company caused (see the module docstring)."""

NOT_YET_FAULTS: tuple[str, ...] = (
    "(hasn't|has not|haven't|have not|hadn't|had not|didn't|did not|never|yet to|still not) "
    "{w:0-2} "
    "(arrived|arrive|come|turned up|turn up|shown up|show up|showed up|been delivered|"
    "been refunded|been credited|been fixed|been resolved|been repaired|been connected|"
    "come through|gone through|heard back|heard anything|heard from|been in touch|been back)",
    "(hasn't|has not|haven't|have not|didn't|did not|never|yet to|still not) {w:0-1} "
    "(received|receive|got|gotten|get) (my|the|our|any|it|them|anything|an email|a reply|"
    "a refund|a response|a call|a text|a confirmation|a code|a link|a letter|an invoice|"
    "a receipt|a callback|a replacement|a parcel|a package|a delivery|an answer|a new)",
)
"""Something that has not arrived or been received: a fault, unless "yet" follows within three
words and "still" does not come before ("my order has not arrived yet, could you check?" asks
about something on its way; "it still hasn't arrived yet" and "the parcel hasn't arrived" report
a fault)."""

# "yet" just after a match, and "still" just before it
_YET_AFTER = re.compile(r"\W+(?:[\w'’]+\W+){0,3}?yet\b")
_STILL_BEFORE = re.compile(r"\bstill\W+(?:[\w'’]+\W+)?$")


@once
def _compiled() -> tuple[tuple[CompiledPhrase, ...], tuple[CompiledPhrase, ...]]:
    return (
        tuple(compile_phrase(phrase) for phrase in COMPANY_FAULTS),
        tuple(compile_phrase(phrase) for phrase in NOT_YET_FAULTS),
    )


def reports_company_fault(text: str) -> bool:
    """True when ``text`` reports a problem the company caused.

    That is, when it holds one of :data:`COMPANY_FAULTS`, or one of :data:`NOT_YET_FAULTS` that
    no "yet" after it excuses.
    """
    lower = text.lower()
    words = set(text_words(lower))
    faults, not_yet = _compiled()
    if any(phrase.possible(words) and find_all(phrase, text, lower) for phrase in faults):
        return True
    for phrase in not_yet:
        if phrase.possible(words):
            for start, end in find_all(phrase, text, lower):
                if not _YET_AFTER.match(lower, end, end + 40):
                    return True
                if lower.startswith("still", start) or _STILL_BEFORE.search(
                    lower, max(0, start - 30), start
                ):
                    return True  # "it still hasn't come yet": late, not on its way
    return False
