"""What marks a sentence as stating a problem, or as greeting, venting or demanding, per language.

Weights are in points: :mod:`deescalate.macros.restatement` adds the problem cues' weights
(each counted at most twice), subtracts the noise cues' weights, and keeps the best sentence.
English and Spanish are written; other languages use the English cues, which still catch
greetings by position, numbers and shouting but not the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CUES", "ENGLISH", "SPANISH", "Cues", "cues_for"]

Weighted = tuple[tuple[re.Pattern[str], float], ...]


@dataclass(frozen=True, slots=True)
class Cues:
    """One language's cues: problem and noise patterns, clause splits, lead-ins, greetings."""

    problem: Weighted
    noise: Weighted
    clause_split: re.Pattern[str]
    lead_in: re.Pattern[str]
    greeting: re.Pattern[str]


def _weighted(*pairs: tuple[str, float]) -> Weighted:
    return tuple((re.compile(pattern, re.IGNORECASE), weight) for pattern, weight in pairs)


def _words(*words: str) -> str:
    return r"\b(?:" + "|".join(words) + r")\b"


_I = r"(?:i|i'm|i am|i've|i have|we|we're|we are)"
_EN_PROBLEM = _weighted(
    (
        r"\b(?:not|never|no longer|can['’]?t|cannot|won['’]?t|doesn['’]?t|don['’]?t|didn['’]?t|"
        r"isn['’]?t|aren['’]?t|wasn['’]?t|weren['’]?t|haven['’]?t|hasn['’]?t|couldn['’]?t|"
        r"wouldn['’]?t|no (?:internet|signal|power|service|response|reply|one|sound|water))\b",
        2.0,
    ),
    (
        r"\b(?:broke|broken|stopped|stops|fail(?:s|ed|ing|ure)?|errors?|crash(?:es|ed|ing)?|"
        r"down|outage|missing|lost|wrong|damaged|delayed|charged|overcharged|billed|"
        r"twice|double|duplicate|refund(?:ed)?|cancel(?:l)?ed|locked out|declined|keeps|"
        r"disconnect(?:s|ed|ing)?|drops?|dropped|dropping|froze|frozen|freezes|stuck|leak(?:s|ing)?|"
        r"cracked|defective|faulty|dead|arrived|delivered|deliver|shipped|overdue|blank|"
        r"bounced?|expired|deducted|disappeared|deleted|reset|shows?|showing|says|still|"
        r"again|since|overheat(?:s|ing)?|slow|loud|noise|smell|torn|stain(?:ed)?|empty)\b",
        1.2,
    ),
    (r"\b(?:my|our)\s+[a-z]", 1.0),
    (
        r"\d|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
        r"last (?:week|month|night)|hours?|days?|weeks?|months?)\b",
        0.6,
    ),
)

_EN_NOISE = _weighted(
    (r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|to whom|greetings)\b", 4.0),
    (r"^(?:thanks|thank you|many thanks|regards|best|cheers|sincerely|kind regards)\b", 3.5),
    (r"\b(?:hope (?:you|this)|i am writing|i'm writing|i write)\b", 1.5),
    (
        rf"\b{_I}\s+(?:\w+\s+){{0,2}}(?:angry|furious|frustrated|upset|disappointed|fed up|sick|"
        r"tired|livid|annoyed|done|disgusted|appalled|shocked|outraged|losing my patience)\b",
        2.5,
    ),
    (
        _words(
            "unacceptable",
            "ridiculous",
            "joke",
            "pathetic",
            "absurd",
            "disgrace",
            "disgraceful",
            "terrible",
            "worst",
            "useless",
            "incompetent",
            "awful",
            "shocking",
            "outrageous",
            "insane",
            "nightmare",
            "clowns",
            "scam",
            "shameful",
            "embarrassing",
            "horrible",
            "rubbish",
            "garbage",
            "seriously",
            "unbelievable",
            "fed up",
            "enough",
        ),
        2.0,
    ),
    (
        _words(
            "lawyer",
            "attorney",
            "sue",
            "court",
            "reviews?",
            "twitter",
            "social media",
            "press",
            "chargeback",
            "ombudsman",
            "regulator",
            "bbb",
            "switch(?:ing)?",
            "competitor",
            "another provider",
            "take my business",
        ),
        2.5,
    ),
    (
        _words("manager", "supervisor", "someone (?:else|competent|who)", "speak to", "talk to"),
        2.5,
    ),
    (r"^(?:why|how (?:hard|difficult|many times|long)|what (?:is|'s) wrong|who)\b", 1.5),
    (
        r"^(?:please|pls|can you|could you|would you|i want|i need|i expect|i demand|i'd like|"
        r"i would like|fix|sort|get)\b",
        1.8,
    ),
    (r"\b(?:i['’]?ll|i will|i['’]?m going to|i am going to|or else|otherwise)\b", 1.2),
    (_words("you people", "your company", "you guys always", "every time i", "typical"), 1.5),
    (r"\b(?:as i (?:already )?(?:said|told|mentioned|explained))\b", 0.5),
    (r"!{2,}|\?{2,}", 0.5),
)

# "(?<!\s)": a dash's run of spaces is tried from its first space only; tried from each, a long
# run of spaces with no dash after it takes quadratic time.
_EN_CLAUSE_SPLIT = re.compile(
    r",\s+(?=(?:and|but|so|which|because|yet)\b)|;\s+|(?<!\s)\s+[-–—]\s+|:\s+|,\s+(?=(?:my|our|i|the|it|this)\b)",
    re.IGNORECASE,
)
_EN_LEAD_IN = re.compile(
    r"^(?:(?:hi|hello|hey|so|well|basically|anyway|also|and|but|again|honestly|seriously|look|listen|ok(?:ay)?|"
    r"now|plus|first(?:ly)?|the thing is|the problem is that|the problem is|the issue is that|"
    r"the issue is|long story short|as i (?:already )?(?:said|told you|mentioned|explained)(?: before)?|"
    r"like i said|once again|for the (?:\w+ )?time)[,:]?\s+)+",
    re.IGNORECASE,
)
_EN_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b[^,.!:;\n]{0,30}[,!:;]\s*",
    re.IGNORECASE,
)

ENGLISH = Cues(_EN_PROBLEM, _EN_NOISE, _EN_CLAUSE_SPLIT, _EN_LEAD_IN, _EN_GREETING)

_ES_PROBLEM = _weighted(
    (r"\b(?:no|nunca|ya no|sin|todavía no|aún no|tampoco|ningún|ninguna|nadie)\b", 2.0),
    (
        r"\b(?:roto|rota|averiad[oa]s?|falla|fallo|error(?:es)?|dej[óo] de|se cae|se corta|"
        r"cortad[oa]|caíd[oa]|perdid[oa]s?|falta|faltan|cobrad[oa]s?|cobraron|cobrado|dos veces|"
        r"duplicad[oa]s?|reembolso|devoluci[óo]n|cancelad[oa]|bloquead[oa]|rechazad[oa]s?|sigue|"
        r"siguen|lleg[óo]|llega|llegado|entregad[oa]|enviad[oa]|retrasad[oa]|desde|otra vez|"
        r"de nuevo|funciona|funcionan|mal|equivocad[oa]|dañad[oa]|rot[oa]s?|factura|se apaga|"
        r"se reinicia|se cierra|se bloquea|se congela|no carga|vací[oa]|desaparecid[oa]|caducad[oa])\b",
        1.2,
    ),
    (r"\b(?:mi|mis|nuestr[oa]s?)\s+\w", 1.0),
    (
        r"\d|\b(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo|ayer|hoy|semanas?|días?|"
        r"horas?|mes(?:es)?)\b",
        0.6,
    ),
)
_ES_NOISE = _weighted(
    (r"^(?:hola|buen[oa]s (?:días|tardes|noches)|estimad[oa]s?|saludos)\b", 4.0),
    (r"^(?:gracias|muchas gracias|un saludo|saludos|atentamente|cordialmente)\b", 3.5),
    (r"\b(?:espero que|les escribo|le escribo|me pongo en contacto)\b", 1.5),
    (
        r"\b(?:estoy|me siento|estamos)\s+(?:\w+\s+){0,2}(?:hart[oa]s?|enfadad[oa]s?|furios[oa]s?|"
        r"frustrad[oa]s?|decepcionad[oa]s?|molest[oa]s?|indignad[oa]s?|cansad[oa]s?)\b",
        2.5,
    ),
    (
        r"\b(?:vergüenza|inaceptable|ridícul[oa]|una broma|una estafa|pésim[oa]|lamentable|"
        r"increíble|inadmisible|indignante|vergonzos[oa]|el peor|la peor|desastre|tomadura de pelo)\b",
        2.0,
    ),
    (
        r"\b(?:abogad[oa]|denuncia|denunciar|demanda|oficina del consumidor|consumo|redes sociales|"
        r"reseñas?|cambiarme|otra compañía|la competencia|darme de baja)\b",
        2.5,
    ),
    (r"\b(?:supervisor|responsable|encargad[oa]|jefe|gerente|hablar con)\b", 2.5),
    (r"^¿?\s*(?:por qué|cómo es posible|cuántas veces|qué les pasa)\b", 1.5),
    (r"^¡?\s*(?:por favor|quiero|necesito|exijo|solucionen|arreglen|espero)\b", 1.8),
    (r"\b(?:voy a|o si no|si no lo)\b", 1.2),
    (r"!{2,}|\?{2,}", 0.5),
)
SPANISH = Cues(
    _ES_PROBLEM,
    _ES_NOISE,
    re.compile(
        r",\s+(?=(?:y|pero|así que|porque|aunque)\b)|;\s+|(?<!\s)\s+[-–—]\s+|:\s+", re.IGNORECASE
    ),
    re.compile(
        r"^(?:(?:hola|bueno|pues|mire|oiga|además|y|pero|otra vez|como ya (?:le |les )?(?:dije|expliqué)|"
        r"el problema es que|lo que pasa es que)[,:]?\s+)+",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:hola|buen[oa]s (?:días|tardes|noches)|estimad[oa]s?)\b[^,.!:;\n]{0,30}[,!:;]\s*",
        re.IGNORECASE,
    ),
)

CUES = {"en": ENGLISH, "es": SPANISH}
"""The cues by language code."""


def cues_for(language: str) -> Cues:
    """The cues for ``language`` (a code or a locale such as ``es_MX``); English otherwise."""
    return CUES.get(language.replace("-", "_").split("_", 1)[0].lower(), ENGLISH)
