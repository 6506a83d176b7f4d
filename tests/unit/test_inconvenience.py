"""Whether a customer reports a problem the company caused, however calmly."""

from __future__ import annotations

import pytest

from deescalate import Conversation, Stage, lint_reply, summarize
from deescalate.inconvenience import reports_company_fault

FLAT_FAULTS = [
    "I've been charged twice for order 2210.",
    "The tracking says delivered but nothing came.",
    "The lamp arrived with a cracked shade.",
    "The engineer didn't turn up this morning.",
    "Nobody called me back about the quote.",
    "My broadband has been down since Monday.",
    "The voucher code from the email doesn't work.",
    "I was billed for June even though I had cancelled in May.",
    "You sent me the wrong colour.",
    "There are two charges for the same booking on my card.",
    "The parcel still hasn't arrived yet.",
]

NOT_FAULTS = [
    "Do you deliver to Portugal?",
    "How long does a refund usually take?",
    "I was charged 8.50 for delivery, can I have a receipt?",
    "My parcel arrived today, thank you!",
    "I ordered the wrong colour, can I swap it?",
    "I forgot my password again.",
    "My card has expired, how do I add a new one?",
    "Is there an extra charge for next-day delivery?",
    "Will I be charged again next month?",
    "Hi, my order has not arrived yet, could you check on it?",
]


@pytest.mark.parametrize("text", FLAT_FAULTS)
def test_a_fault_stated_flatly_is_reported(text: str) -> None:
    """A calm report of something the company got wrong counts as one."""
    assert reports_company_fault(text)


@pytest.mark.parametrize("text", NOT_FAULTS)
def test_a_question_or_the_customers_own_slip_is_not_a_fault(text: str) -> None:
    """Plain questions, thanks and the customer's own mistakes report no fault of the company."""
    assert not reports_company_fault(text)


def test_the_coach_asks_for_an_apology_to_a_calm_fault_report() -> None:
    """A flat report of a double charge answered without an apology is missing-apology."""
    customer = "I've been charged twice for order 2210."
    findings = lint_reply("The second payment is refunded.", customer)
    assert [f.rule for f in findings] == ["missing-apology"]


def test_the_coach_leaves_a_reply_to_a_plain_question_alone() -> None:
    """An answer to a question with no fault in it needs no apology."""
    assert lint_reply("Yes, in 3 to 5 working days.", "Do you deliver to Portugal?") == []


def test_the_conversation_advises_the_apology_for_a_calm_fault_report() -> None:
    """The conversation's next step agrees with the coach: apologize first."""
    summary = summarize(
        Conversation.of([("customer", "The tracking says delivered but nothing came.")])
    )
    assert summary.current_stage is Stage.CALM
    assert summary.playbook.inconvenienced
    assert summary.next_step == "acknowledge"
