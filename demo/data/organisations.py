"""Names and record templates of subjects other than enterprises: social organisations,
public institutions and natural persons."""

from __future__ import annotations

from rules.kinds import RecordKind

from . import _words
from .entries import CIVIL_PROCEDURE, COURT, Entry

K = RecordKind

# --- Subjects other than enterprises

SOCIAL_TOPICS = _words(
    "软件行业协会 电子商务协会 餐饮行业协会 鞋革行业协会 服装行业协会 物流协会",
    "建筑业协会 房地产业协会 个体劳动者协会 企业家协会 青年创业促进会 慈善总会",
    "老年人体育协会 摄影家协会 书法家协会 作家协会 环保产业协会 茶叶行业协会",
    "网络直播行业协会 家政服务业协会 养老服务业协会 物业管理协会 汽车维修行业协会",
    "旅游协会 民宿行业协会 会展业协会 广告协会 质量管理协会 标准化协会 计量测试学会",
    "信用协会 机械工程学会 医学会 护理学会 中医药学会 科普作家协会 计算机学会",
    "心理学会 登山协会 篮球协会 足球协会 围棋协会 钓鱼协会 福建商会 江西商会",
    "安徽商会 湖南商会 四川商会 河南商会 江苏商会 山东商会 广东商会 湖北商会",
    "台州商会 温州商会 义乌商会",
)
SOCIAL_TOWNS = _words(
    "城东 城西 城南 城北 新城 东湖 南苑 北苑 西城 滨海 青山 白云 桥头 高桥 新塘",
    "柳市 长安 兴华 梅溪 双林",
)
# name:industry of institutions a county or city has one of.
INSTITUTIONS = tuple(
    tuple(item.split(":"))
    for item in _words(
        "人民医院:Q 中医院:Q 妇幼保健院:Q 疾病预防控制中心:Q 急救中心:Q 图书馆:R 文化馆:R",
        "博物馆:R 档案馆:R 社会福利院:Q 职业技术学校:P 实验小学:P 实验中学:P",
        "城市规划设计研究院:M 农业科学研究院:M 不动产登记服务中心:S 公共资源交易中心:S",
        "水文站:N 园林绿化管理中心:N 体育中心:R",
    )
)
NUMBERED_INSTITUTIONS = (("中学", "P"), ("小学", "P"), ("幼儿园", "P"))
SOCIAL_ABNORMAL = Entry(
    K.ABNORMAL_OPERATION,
    "zj-civil-affairs",
    "浙民社异〔{y}〕",
    "列入活动异常名录",
    "{name}未按照规定时限和要求向登记管理机关报送年度工作报告，列入社会组织活动异常名录。",
    "《社会组织信用信息管理办法》第九条",
)
SOCIAL_HONOUR = Entry(
    K.HONOUR,
    "zj-civil-affairs",
    "浙民社评〔{y}〕",
    "社会组织评估等级4A",
    "{name}在{year}年度社会组织等级评估中被评为4A级社会组织。",
    "《社会组织评估管理办法》第二十条",
)
SOCIAL_VOLUNTEERING = Entry(
    K.VOLUNTEERING,
    "zj-youth-league",
    "",
    "志愿服务记录",
    "{name}组织会员参与社区志愿服务，{year}年度累计服务{hours}小时。",
    "《志愿服务条例》第十九条",
)
PERSON_JUDGEMENT = Entry(
    K.JUDGEMENT_UNPERFORMED,
    "zj-court",
    COURT,
    "未履行生效法律文书确定的义务",
    "被执行人{name}在民间借贷纠纷一案中未履行生效判决确定的给付义务，执行标的{amount}元。",
    CIVIL_PROCEDURE,
    amount=(20_000, 800_000),
)
