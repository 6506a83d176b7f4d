"""Whether a draft says the customer's problem back to them, and whether there is one to say.

The step detector finds the verifying forms ("just to confirm", "is that correct?"); an agent
also restates by repeating the customer's own words ("I'm sorry the engineer cancelled again
after you took the day off"). :func:`restates` counts the customer's content words the draft
repeats, each reduced to a rough stem so "waiting" meets "waited". :func:`states_a_problem`
says whether the customer's words are enough to restate at all: "USELESS!!!" is not.
"""

from __future__ import annotations

import re

__all__ = ["MIN_PROBLEM_WORDS", "restates", "states_a_problem"]

MIN_PROBLEM_WORDS = 8
"""Fewer words than this state no problem that can be said back ("This is a joke!!!")."""

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
# Words that carry no content of the customer's problem: function words, greetings, thanks,
# apologies and the words of venting.
_NOT_CONTENT = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each even ever every few for from further get gets got had
    hadn't has hasn't have haven't having he her here hers him his how i i'd i'll i'm i've if in
    into is isn't it it's its itself just let me more most much my myself no nor not now of off
    on once one only or other our ours out over own please really same she should shouldn't so
    some still such than that that's the their theirs them then there these they this those
    through to too under until up very was wasn't we we're we've were weren't what when where
    which while who whom why will with won't would wouldn't you you'd you'll you're you've your
    yours yourself yet hi hello hey dear thanks thank sorry apologies apologize apologise
    regards ok okay yes absolutely totally completely honestly seriously literally people
    joke ridiculous unacceptable useless terrible awful worst disgusting pathetic furious angry
    annoyed upset frustrated disappointed fed done again time times day days
    """.split()
)
_SUFFIXES = ("ing", "ed", "es", "s")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _content(text: str) -> set[str]:
    words = _WORD.findall(text.lower().replace("’", "'"))
    return {_stem(w) for w in words if len(w) > 2 and w not in _NOT_CONTENT}


def restates(draft: str, customer: str) -> bool:
    """True when the draft repeats enough of the customer's content words to say the problem back.

    Three shared words do, or two when they are at least a third of what the customer wrote.
    """
    theirs = _content(customer)
    if not theirs:
        return False
    shared = len(theirs & _content(draft))
    return shared >= 3 or (shared >= 2 and shared * 3 >= len(theirs))


def states_a_problem(customer: str) -> bool:
    """True when the customer wrote enough words to state a problem that can be said back."""
    return len(_WORD.findall(customer.lower())) >= MIN_PROBLEM_WORDS
