from functools import partial

from tests.segmentation_cases import joined

case = partial(joined, "de")

TUNED = [
    case(
        "ordinal-date",
        "Am 2. Dezember trafen sich die Minister in Brüssel.",
        "Eine Einigung gab es nicht.",
    ),
    case(
        "circa-that-is",
        "Die Kosten liegen bei ca. 3 Mio. Euro, d. h. deutlich über dem Plan.",
        "Der Stadtrat will nachverhandeln.",
    ),
    case(
        "doctor",
        "Dr. Müller leitet die Klinik seit 2015.",
        "Sie gilt als Expertin für Infektionskrankheiten.",
    ),
    case(
        "low-high-quotes",
        "„Wir haben keine Wahl“, sagte der Kanzler.",
        "Die Opposition widersprach.",
    ),
    case(
        "minutes-before-noun",
        "Der Zug kam mit 40 Min. Verspätung an.",
        "Fahrgäste beschwerten sich.",
    ),
    case(
        "new-year",
        "Das Gesetz tritt am 1. Januar 2025 in Kraft.",
        "Bis dahin gilt die alte Regelung.",
    ),
    case(
        "professor-for-example",
        "Laut Prof. Schmidt ist die Lage ernst.",
        "Er fordert schnelle Maßnahmen, z. B. neue Tests.",
    ),
    case(
        "question",
        "Wer trägt die Verantwortung?",
        "Diese Frage stellt sich nach dem Unglück.",
        "Die Ermittlungen laufen.",
    ),
]

HELD_OUT = [
    case(
        "march-date",
        "Die Sitzung beginnt am 15. März um 10 Uhr.",
        "Beobachter erwarten eine lange Debatte.",
    ),
    case(
        "billions",
        "Der Konzern meldete einen Gewinn von 2,1 Mrd. Euro.",
        "Das ist ein Plus von 8 Prozent.",
    ),
    case(
        "see-in-brackets",
        "Nach Angaben der Polizei (s. Grafik) wurden 12 Personen verletzt.",
        "Zwei davon schwer.",
    ),
    case(
        "black-day-quote",
        "„Das ist ein schwarzer Tag für Europa“, sagte die Abgeordnete.",
        "Sie kündigte Widerstand an.",
    ),
    case(
        "holiday",
        "Der 3. Oktober ist ein Feiertag.",
        "An diesem Tag bleiben die Geschäfte geschlossen.",
    ),
    case(
        "company-form",
        "Die Firma Bauer GmbH & Co. KG meldete Insolvenz an.",
        "Betroffen sind 300 Mitarbeiter.",
    ),
    case(
        "century",
        "Das Rathaus wurde im 19. Jahrhundert gebaut.",
        "Heute ist es ein Museum.",
    ),
]
