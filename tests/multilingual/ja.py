from functools import partial

from tests.segmentation_cases import joined

case = partial(joined, "ja", sep="")

TUNED = [
    case("stimulus", "政府は3日、新たな経済対策を発表した。", "総額は約17兆円となる。"),
    case(
        "bracket-closes-after-full-stop",
        "首相は「国民の生活を守る。」と述べた。",
        "野党は批判している。",
    ),
    case("question", "本当に効果があるのか？", "専門家の間では意見が分かれている。"),
    case(
        "earthquake",
        "地震は午前10時ごろ発生した。",
        "震源の深さは約10キロ。",
        "津波の心配はない。",
    ),
    case("shares", "同社の株価は5.2%下落した。", "市場は先行きを警戒している。"),
    case(
        "exclamation-in-brackets",
        "「信じられない！」と住民は語った。",
        "被害は広範囲に及んでいる。",
    ),
    case("rate-rise", "日銀は金融政策決定会合で利上げを決めた。", "17年ぶりとなる。"),
]

HELD_OUT = [
    case("typhoon", "台風10号は4日朝、九州に上陸した。", "気象庁は警戒を呼びかけている。"),
    case(
        "chief-secretary",
        "官房長官は「適切に対応する。」と強調した。",
        "詳細は明らかにしなかった。",
    ),
    case("why-late", "なぜ対応が遅れたのか？", "調査委員会が検証を進める。"),
    case("record", "大会には約3万人が参加した。", "過去最多だという。"),
    case("shopkeeper", "「もう限界だ！」と店主は漏らした。", "客足は戻っていない。"),
    case("yen", "円相場は一時1ドル＝150円台まで下落した。", "約1年ぶりの安値となる。"),
    case("infections", "同省によると、感染者は全国で1,200人に上った。", "前週より2割多い。"),
]
