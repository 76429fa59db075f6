"""Article languages: ISO 639-1 codes, checked when given, detected when not.

`clean_language` validates and normalises a given code ("pt-BR" -> "pt");
`detect_language` guesses it from a body with py3langid (BSD-3-Clause, its model ships
inside the package: nothing is downloaded at run time), falling back to a default for
texts too short or too mixed to tell; `change_language` re-splits an article that has no
labels yet.
"""

import re
import threading

from django.conf.locale import LANG_INFO
from django.db import transaction

from .models import Annotation, Article, Sentence, Verdict
from .segmentation import split_sentences
from .tallies import lock_sentences, refresh

# ISO 639-1 (the two-letter codes).
_CODES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv "
    "cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr "
    "ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw "
    "ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv "
    "ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr "
    "ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi "
    "yo za zh zu"
)
ISO_639_1 = frozenset(_CODES.split())
# Withdrawn codes still written by older systems.
_RENAMED = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro", "sh": "sr"}
# Written right to left: an article's paragraphs take this direction (its sentences find
# their own with dir="auto").
RIGHT_TO_LEFT = frozenset({"ar", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})
# A code, then optional subtags: pt-BR, zh-Hant-TW, sr_Latn.
_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")

# Fewer letters than this say too little about a language: the default is used.
MIN_LETTERS = 40
# A Chinese, Japanese or Korean character carries about a word: it counts as this many.
CJK_WEIGHT = 3
# A paragraph whose likeliest language is less probable than this votes for none.
MIN_CONFIDENCE = 0.8
# Detection reads at most this many characters from the start of the body: enough to tell
# a language, and the cost of an import stays bounded whatever the article's length.
SAMPLE_CHARS = 3000
# A text whose paragraphs in its language hold less than this share of its letters is mixed.
MAJORITY = 0.75


class UnknownLanguage(ValueError):
    pass


class LanguageChangeRefused(ValueError):
    pass


def clean_language(value):
    """The ISO 639-1 code of `value` ("EN", "pt-BR", "zh_Hant" -> "en", "pt", "zh").
    Raises UnknownLanguage naming the value."""
    match = _TAG.fullmatch(value.strip()) if isinstance(value, str) else None
    code = match.group(1).lower() if match else None
    code = _RENAMED.get(code, code)
    if code not in ISO_639_1:
        raise UnknownLanguage(
            f"language {value!r} is not an ISO 639-1 code; use a two-letter code such as "
            "en, de, pt or ar (a region such as pt-BR is allowed and dropped)"
        )
    return code


def language_name(code):
    """The English name Django knows for `code` with the code, "Arabic (ar)", else the code."""
    name = LANG_INFO.get(code, {}).get("name")
    return f"{name} ({code})" if name else code


def is_right_to_left(code):
    return code in RIGHT_TO_LEFT


_identifier = None
_identifier_lock = threading.Lock()


def _get_identifier():
    """The py3langid model, loaded once per process (about 0.8 s) on first use, and kept to
    the languages that have an ISO 639-1 code: a dialect the model tells apart (Egyptian
    Arabic, Cantonese) then counts for its language."""
    global _identifier
    if _identifier is None:
        with _identifier_lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages([c for c in identifier.labels if c in ISO_639_1])
                _identifier = identifier
    return _identifier


def guess(text):
    """(code, probability) of the likeliest ISO 639-1 language of `text`."""
    return _get_identifier().classify(text)


def detect_language(text, *, default="en"):
    """The ISO 639-1 code of `text`'s language, or `default` when the text is too short
    to tell or mixed. Reads the first SAMPLE_CHARS characters.

    Each paragraph long enough to tell votes with its letters for its language (or for
    none, when unsure); a language needs MAJORITY of the letters. A text half in one
    language and half in another can look confident as a whole: by paragraphs it does not.
    """
    sample = text[:SAMPLE_CHARS]
    weighed = [(line, weight) for line in sample.splitlines()
               if (weight := _weight(line)) >= MIN_LETTERS]
    if not weighed:  # short lines only: together, if they are enough
        weight = _weight(sample)
        if weight < MIN_LETTERS:
            return default
        weighed = [(sample, weight)]
    votes, total = {}, 0
    for chunk, weight in weighed:
        code, probability = guess(chunk)
        total += weight
        if probability >= MIN_CONFIDENCE:
            votes[code] = votes.get(code, 0) + weight
    best = max(votes, key=votes.get, default=None)
    return best if best and votes[best] >= MAJORITY * total else default


def _weight(text):
    """Letters, a CJK character counting as CJK_WEIGHT: it carries about a word."""
    return sum(
        (CJK_WEIGHT if char >= "\u2e80" else 1) for char in text if char.isalpha()
    )


def labeled(article):
    """Whether any sentence of `article` has a label or a verdict."""
    return (
        Annotation.objects.filter(sentence__article=article).exists()
        or Verdict.objects.filter(sentence__article=article).exists()
    )


def refusal(article):
    """Why `article`'s language cannot change now, or None."""
    if labeled(article):
        return (
            f"The language of {article.title!r} cannot change: its sentences have labels, "
            "and splitting it again would detach them. Import the text again into another "
            "project with the right language instead."
        )
    return None


def change_language(article, language):
    """Store `language` (a code, checked) as `article`'s language and split its body again
    with that language's rules. Refused (LanguageChangeRefused) once any sentence has a
    label or verdict. Locks the article's sentences, so that a label arriving meanwhile
    waits and then finds its sentence gone."""
    language = clean_language(language)
    articles = Article.objects.filter(pk=article.pk)
    with transaction.atomic():
        lock_sentences(articles)
        if reason := refusal(article):
            raise LanguageChangeRefused(reason)
        article.language = language
        articles.update(language=language)
        body = article.body
        Sentence.objects.filter(article=article).delete()
        Sentence.objects.bulk_create(
            Sentence(article=article, position=i, text=body[start:end], start=start, end=end)
            for i, (start, end) in enumerate(split_sentences(body, language))
        )
        refresh(articles)
