"""Rate one customer message and print the evidence behind the stage.

Run: python examples/assess_a_message.py
"""

from __future__ import annotations

from deescalate import assess


def main() -> None:
    message = (
        "This is the third time I'm writing about the same invoice. "
        "You said someone would call me back on Monday and nobody did!!"
    )
    result = assess(message)
    print(f"stage: {result.stage} (score {result.score:.2f})")
    for signal in result.signals:
        print(f"  {signal.code:<16} {signal.text!r} at {signal.start}-{signal.end}")


if __name__ == "__main__":
    main()
