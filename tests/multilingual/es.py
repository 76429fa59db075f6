from functools import partial

from tests.segmentation_cases import joined

case = partial(joined, "es")

TUNED = [
    case(
        "senor",
        "El Sr. García afirmó que no habrá recortes.",
        "La oposición pidió su dimisión.",
    ),
    case(
        "inverted-question",
        "¿Qué pasará con las pensiones?",
        "El Gobierno no lo ha aclarado.",
        "Los sindicatos exigen respuestas.",
    ),
    case(
        "guillemets",
        "«No vamos a ceder», dijo la ministra.",
        "Las negociaciones seguirán el lunes.",
    ),
    case(
        "doctora",
        "La Dra. López dirige el hospital desde 2019.",
        "Su equipo atendió a 300 pacientes.",
    ),
    case(
        "unemployment",
        "El paro bajó un 2,5 % en octubre, según el INE.",
        "Es el mejor dato desde 2008.",
    ),
    case(
        "united-states",
        "El acuerdo, firmado en EE. UU., entra en vigor hoy.",
        "Afecta a 20 países.",
    ),
    case(
        "inverted-exclamation",
        "¡Es una vergüenza!",
        "Así lo calificó el alcalde.",
        "Los vecinos protestaron frente al ayuntamiento.",
    ),
    case(
        "approximately",
        "La empresa facturó 3.200 millones de euros, aprox. un 5 % más.",
        "Sus acciones subieron.",
    ),
]

HELD_OUT = [
    case(
        "senora",
        "La Sra. Martínez presentó su renuncia el martes.",
        "El partido la aceptó.",
    ),
    case(
        "who-controls",
        "¿Quién controla el dinero?",
        "Esa es la pregunta del fiscal.",
        "La investigación continúa.",
    ),
    case(
        "united-states-president",
        "El presidente de EE. UU. llegará mañana a Madrid.",
        "Se reunirá con el rey.",
    ),
    case(
        "spokesman",
        "«Estamos preparados», aseguró el portavoz.",
        "El dispositivo incluye 2.000 agentes.",
    ),
    case(
        "see-map",
        "Las lluvias afectaron a 15 municipios (vid. mapa).",
        "No se registraron víctimas.",
    ),
    case(
        "doctor",
        "El Dr. Ruiz advirtió del riesgo de contagio.",
        "Recomendó el uso de mascarillas.",
    ),
    case(
        "inflation",
        "La inflación se situó en el 3,1 % en noviembre.",
        "Los alimentos subieron un 7 %.",
    ),
]
