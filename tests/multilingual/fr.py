from functools import partial

from tests.segmentation_cases import joined

case = partial(joined, "fr")

TUNED = [
    case(
        "monsieur",
        "M. Macron a reçu le chancelier allemand à l'Élysée.",
        "Les deux dirigeants ont évoqué l'Ukraine.",
    ),
    case(
        "abbreviated-month",
        "La réunion a eu lieu le 3 déc. à Bruxelles.",
        "Aucun accord n'a été trouvé.",
    ),
    case(
        "guillemets",
        "« Nous ne céderons pas », a déclaré la ministre.",
        "Les syndicats appellent à la grève.",
    ),
    case(
        "decimal-comma",
        "Le chômage a reculé de 0,3 point au troisième trimestre.",
        "C'est le plus bas niveau depuis 2008.",
    ),
    case(
        "madame",
        "Mme Dupont, maire de la ville, a démissionné.",
        "Elle invoque des raisons personnelles.",
    ),
    case(
        "spaced-question-mark",
        "Qui paiera la facture ?",
        "Le gouvernement n'a pas répondu.",
        "Les débats reprendront lundi.",
    ),
    case(
        "etc-ends-sentence",
        "Selon l'Insee, les prix de l'énergie, des loyers, etc. ont augmenté de 4,9 % sur un an.",
        "Le détail sera publié jeudi.",
    ),
    case(
        "docteur",
        "Le Dr Martin, chef du service, a confirmé deux décès.",
        "L'hôpital a déclenché le plan blanc.",
    ),
]

HELD_OUT = [
    case(
        "monsieur-elected",
        "M. Dupont a été élu avec 52 % des voix.",
        "Son adversaire a reconnu sa défaite.",
    ),
    case(
        "january",
        "Le texte sera examiné le 12 janv. au Sénat.",
        "Son adoption reste incertaine.",
    ),
    case(
        "exclamation-in-guillemets",
        "« C'est une victoire ! » s'est réjoui le porte-parole.",
        "L'opposition dénonce un passage en force.",
    ),
    case(
        "confer",
        "Les ventes ont chuté de 12 % en 2023 (cf. tableau).",
        "La direction prévoit un rebond.",
    ),
    case(
        "question",
        "Où sont passés les fonds ?",
        "La Cour des comptes enquête.",
        "Un rapport est attendu.",
    ),
    case(
        "monsieur-in-commas",
        "Le président de la SNCF, M. Farandou, a présenté ses excuses.",
        "Les retards ont duré plusieurs heures.",
    ),
    case(
        "toll",
        "Le bilan s'élève à 15 morts, selon les autorités.",
        "Les secours poursuivent les recherches.",
    ),
]
