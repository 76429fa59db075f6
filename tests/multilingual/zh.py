from functools import partial

from tests.segmentation_cases import joined

case = partial(joined, "zh", sep="")

TUNED = [
    case("statistics", "国家统计局3日公布数据。", "十月份居民消费价格同比上涨0.2%。"),
    case(
        "quote-closes-after-full-stop",
        "外交部发言人表示：“中方反对任何形式的单边制裁。”",
        "他呼吁各方保持克制。",
    ),
    case("question", "这是否意味着政策转向？", "分析人士看法不一。"),
    case("exclamation-in-quote", "他说：“我们一定会赢！”", "现场响起掌声。"),
    case(
        "three-sentences",
        "会议于北京时间上午10点开始。",
        "与会代表共计300余人。",
        "会议为期三天。",
    ),
    case("typhoon-name", "据新华社报道，台风“海葵”已登陆福建。", "当地已转移群众5万人。"),
    case("gdp", "报告指出，2023年GDP增长5.2%。", "这一数字略高于预期。"),
]

HELD_OUT = [
    case("fed", "美联储周三宣布维持利率不变。", "这是连续第三次按兵不动。"),
    case(
        "spokesman-quote",
        "发言人强调：“这一决定符合国际法。”",
        "但批评者并不认同。",
    ),
    case("who-is-responsible", "谁该为事故负责？", "调查组尚未给出结论。"),
    case("resident-exclaims", "市民王先生说：“太突然了！”", "他表示家里没有任何准备。"),
    case("book-title", "《人民日报》发表评论文章。", "文章称改革将继续深化。"),
    case("rescue", "截至发稿时，已有12人获救。", "搜救工作仍在进行中。"),
    case("shares", "该公司股价下跌3.5%。", "市值蒸发约200亿元。"),
]
