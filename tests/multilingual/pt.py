from functools import partial

from tests.segmentation_cases import joined

case = partial(joined, "pt")

TUNED = [
    case(
        "senhor",
        "O Sr. Silva disse que o governo vai recorrer da decisão.",
        "O julgamento foi adiado.",
    ),
    case(
        "curly-quotes",
        "“Não vamos desistir”, afirmou a ministra.",
        "A votação está marcada para terça-feira.",
    ),
    case(
        "inflation",
        "A inflação subiu 4,5% em outubro, segundo o IBGE.",
        "É o maior índice do ano.",
    ),
    case(
        "question",
        "Quem vai pagar a conta?",
        "A pergunta ainda não tem resposta.",
        "O Congresso discute o tema.",
    ),
    case(
        "doutora",
        "A Dra. Costa coordena a pesquisa na USP.",
        "Os resultados saem em dezembro.",
    ),
    case(
        "president-travels",
        "O presidente Lula viajou aos EUA na segunda.",
        "Ele se reunirá com o presidente americano.",
    ),
    case(
        "reais",
        "O prejuízo chegou a R$ 2,3 bilhões no trimestre.",
        "As ações da empresa caíram 8%.",
    ),
]

HELD_OUT = [
    case(
        "senhora",
        "A Sra. Oliveira assumiu o cargo na segunda-feira.",
        "Ela substitui o antigo diretor.",
    ),
    case(
        "historic-day",
        "“É um dia histórico”, disse o prefeito.",
        "A obra levou seis anos.",
    ),
    case(
        "what-now",
        "O que acontece agora?",
        "Especialistas divergem.",
        "O mercado aguarda a decisão do BC.",
    ),
    case(
        "professor",
        "O Prof. Mendes, da UFRJ, criticou o projeto.",
        "Segundo ele, faltam estudos.",
    ),
    case(
        "time-and-road",
        "O acidente ocorreu por volta das 7h30 na BR-116.",
        "Três pessoas ficaram feridas.",
    ),
    case(
        "doutor",
        "O Dr. Almeida confirmou a morte do paciente.",
        "A família pediu privacidade.",
    ),
    case(
        "see-chart",
        "As exportações cresceram 12% em 2023 (v. gráfico).",
        "A China foi o principal destino.",
    ),
]
