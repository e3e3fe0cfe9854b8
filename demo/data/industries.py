"""Industries of the demo (GB/T 4754 sections) with their weights, name words, business
scope and licences."""

from __future__ import annotations

from dataclasses import dataclass

from . import _words
from .licences import (
    LIC_BUILDING,
    LIC_CUSTOMS,
    LIC_DRAINAGE,
    LIC_DRUG,
    LIC_EQUIPMENT,
    LIC_FIRE,
    LIC_FOOD,
    LIC_GAS,
    LIC_HAZCHEM,
    LIC_HR,
    LIC_LABOUR,
    LIC_LENDING,
    LIC_MEDDEV,
    LIC_NETCULTURE,
    LIC_PERFORMANCE,
    LIC_POLLUTANT,
    LIC_PORT,
    LIC_PRESALE,
    LIC_PRODUCTION,
    LIC_ROAD,
    LIC_SAFETY,
    LIC_TRAVEL,
    QUAL_AEO,
    QUAL_BUILD,
    QUAL_DESIGN,
    QUAL_REALTY,
    QUAL_SAFETY,
    QUAL_TESTING,
    LicenceTemplate,
)

# --- Industries (GB/T 4754 sections): weight, name words, business scope, licences


@dataclass(frozen=True)
class Industry:
    code: str
    weight: float
    words: tuple[str, ...]
    scope: tuple[str, ...]
    licences: tuple[LicenceTemplate, ...]
    qualifications: tuple[LicenceTemplate, ...] = ()
    qualification_share: float = 0.03


INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "A",
        3,
        _words("农业开发 生态农业 茶业 农业科技 水产 果蔬 林业 畜牧"),
        _words(
            "谷物种植 蔬菜种植 茶叶种植 水果种植 水产养殖 家禽饲养 林木育苗 休闲观光活动",
            "农产品的生产、销售、加工、运输、贮藏及其他相关服务",
        ),
        (LIC_FOOD, LIC_POLLUTANT),
    ),
    Industry(
        "B",
        0.2,
        _words("矿业 石材 矿产 砂石"),
        _words("建筑用石开采 非金属矿物制品制造 石料加工 矿产品销售"),
        (LIC_SAFETY, LIC_POLLUTANT),
        (QUAL_SAFETY,),
        0.3,
    ),
    Industry(
        "C",
        22,
        _words(
            "机械 电子 电器 电气 纺织 服饰 鞋业 塑业 五金 汽车部件 阀门 化工 新材料 家具",
            "食品 印染 眼镜 模具 轴承 泵业 医疗器械 制药 光电 包装 工艺品 不锈钢 电机",
            "精密机械 织造 箱包 皮革 卫浴 竹木制品",
        ),
        _words(
            "通用设备制造 电子元器件制造 服装制造 鞋制造 塑料制品制造 五金产品制造",
            "汽车零部件及配件制造 阀门和旋塞研发 家具制造 模具制造 针纺织品销售",
            "货物进出口 技术进出口",
        ),
        (LIC_PRODUCTION, LIC_POLLUTANT, LIC_EQUIPMENT, LIC_DRAINAGE, LIC_CUSTOMS, LIC_SAFETY),
        (QUAL_SAFETY, QUAL_AEO),
        0.06,
    ),
    Industry(
        "D",
        0.5,
        _words("能源 热电 燃气 水务 电力 光伏科技"),
        _words(
            "发电业务、输电业务、供（配）电业务 热力生产和供应 燃气经营 自来水生产与供应",
            "太阳能发电技术服务 合同能源管理",
        ),
        (LIC_POLLUTANT, LIC_GAS, LIC_SAFETY),
    ),
    Industry(
        "E",
        5,
        _words("建设 建筑工程 装饰工程 市政工程 园林工程 钢结构 建工 幕墙工程 水电安装"),
        _words(
            "建设工程施工 住宅室内装饰装修 市政设施管理 园林绿化工程施工 土石方工程施工",
            "金属结构制造 建筑材料销售",
        ),
        (LIC_BUILDING, LIC_SAFETY),
        (QUAL_BUILD,),
        0.8,
    ),
    Industry(
        "F",
        30,
        _words(
            "贸易 商贸 进出口 电子商务 超市 医药连锁 五金机电 纺织品 农副产品 供应链 建材",
            "汽车销售 服装 日用品",
        ),
        _words(
            "日用百货销售 服装服饰批发 五金产品批发 建筑材料销售 食品销售 货物进出口",
            "互联网销售（除销售需要许可的商品） 汽车新车销售 供应链管理服务",
            "化工产品销售（不含许可类化工产品）",
        ),
        (LIC_FOOD, LIC_DRUG, LIC_HAZCHEM, LIC_CUSTOMS, LIC_MEDDEV, LIC_EQUIPMENT),
        (QUAL_AEO,),
        0.01,
    ),
    Industry(
        "G",
        4,
        _words("物流 海运物流 运输 货运代理 仓储 国际货运代理 港口物流 冷链物流 客运 快递"),
        _words(
            "道路货物运输（不含危险货物） 国内货物运输代理 国际货物运输代理",
            "普通货物仓储服务 装卸搬运 国内船舶代理 供应链管理服务",
        ),
        (LIC_ROAD, LIC_PORT, LIC_CUSTOMS, LIC_EQUIPMENT),
    ),
    Industry(
        "H",
        3,
        _words("餐饮管理 酒店管理 餐饮 宾馆 美食"),
        _words("餐饮服务 住宿服务 酒店管理 餐饮管理 食品销售"),
        (LIC_FOOD, LIC_FIRE, LIC_DRAINAGE),
    ),
    Industry(
        "I",
        6,
        _words("信息技术 网络科技 软件 智能科技 数据科技 信息科技 数字科技 云计算 物联网科技"),
        _words(
            "软件开发 信息系统集成服务 数据处理和存储支持服务 人工智能应用软件开发",
            "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
            "物联网技术服务 网络与信息安全软件开发",
        ),
        (LIC_NETCULTURE, LIC_EQUIPMENT),
    ),
    Industry(
        "J",
        1,
        _words("投资管理 融资租赁 小额贷款 典当 保险代理 资产管理 股权投资"),
        _words("股权投资 投资管理 资产管理 融资租赁业务 保险代理业务 以自有资金从事投资活动"),
        (LIC_LENDING,),
    ),
    Industry(
        "K",
        3,
        _words("房地产开发 置业 物业管理 房产经纪 物业服务 房地产"),
        _words("房地产开发经营 物业管理 房地产经纪 住房租赁 停车场服务"),
        (LIC_PRESALE, LIC_EQUIPMENT),
        (QUAL_REALTY,),
        0.5,
    ),
    Industry(
        "L",
        10,
        _words("商务咨询 企业管理 人力资源 广告 会展服务 旅行社 企业管理咨询 知识产权代理"),
        _words(
            "企业管理咨询 信息咨询服务（不含许可类信息咨询服务） 广告设计、代理",
            "会议及展览服务 人力资源服务 知识产权服务 旅游业务 市场营销策划",
        ),
        (LIC_TRAVEL, LIC_LABOUR, LIC_HR, LIC_FIRE),
    ),
    Industry(
        "M",
        6,
        _words("检测技术 生物科技 工程设计 技术研究 环境检测 测绘 规划设计 科技 新材料科技"),
        _words(
            "检验检测服务 生物技术研发 工程和技术研究和试验发展 工程管理服务 测绘服务",
            "规划设计管理 技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
        ),
        (LIC_EQUIPMENT, LIC_DRAINAGE),
        (QUAL_TESTING, QUAL_DESIGN),
        0.25,
    ),
    Industry(
        "N",
        1.2,
        _words("环境工程 园林绿化 环保科技 市政设施管理 环卫服务 生态环境"),
        _words(
            "环境保护专用设备销售 园林绿化工程施工 城乡市容管理 污水处理及其再生利用",
            "固体废物治理 水环境污染防治服务",
        ),
        (LIC_POLLUTANT, LIC_DRAINAGE),
    ),
    Industry(
        "O",
        2.5,
        _words("家政服务 汽车维修 洗涤服务 美容美发 保洁服务 维修服务"),
        _words(
            "家政服务 机动车修理和维护 洗染服务 理发及美容服务 家用电器修理",
            "专业保洁、清洗、消毒服务",
        ),
        (LIC_FIRE, LIC_DRAINAGE, LIC_EQUIPMENT),
    ),
    Industry(
        "P",
        0.8,
        _words("教育科技 职业技能培训 教育咨询 培训"),
        _words(
            "教育咨询服务（不含涉许可审批的教育培训活动）",
            "职业技能培训（不含需取得许可的项目）",
            "业务培训（不含教育培训、职业技能培训等需取得许可的培训）",
        ),
        (LIC_FIRE, LIC_FOOD),
    ),
    Industry(
        "Q",
        0.5,
        _words("健康管理 养老服务 医疗管理 康复 医疗科技"),
        _words(
            "健康咨询服务（不含诊疗服务） 养老服务 护理机构服务（不含医疗服务） 医院管理",
            "远程健康管理服务",
        ),
        (LIC_MEDDEV, LIC_DRUG, LIC_FIRE),
    ),
    Industry(
        "R",
        2,
        _words("文化传媒 影视 体育发展 文化旅游 文化艺术 娱乐 传媒"),
        _words(
            "组织文化艺术交流活动 广播电视节目制作经营 体育赛事策划 文艺创作",
            "会议及展览服务 电影摄制服务",
        ),
        (LIC_PERFORMANCE, LIC_FIRE, LIC_NETCULTURE),
    ),
)
INDUSTRY_BY_CODE = {industry.code: industry for industry in INDUSTRIES}
