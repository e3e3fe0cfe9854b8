"""Templates of licences and qualifications (record kinds licence and qualification)."""

from __future__ import annotations

from dataclasses import dataclass

from rules.kinds import RecordKind

K = RecordKind

# --- Licences and qualifications


@dataclass(frozen=True)
class LicenceTemplate:
    dept: str  # department code, or "amr" for the market regulator of the subject's city
    title: str
    number: str  # document-number prefix: {a} city abbr., {d} division, {y} year …
    basis: str
    content: str
    years: int | None  # validity in years (None: no end)
    width: int = 4  # zero-padded serial
    tail: str = ""  # after the serial
    kind: str = K.LICENCE


LIC_FOOD = LicenceTemplate(
    dept="amr",
    title="食品经营许可证",
    number="JY1{d}",
    width=7,
    basis="《中华人民共和国食品安全法》第三十五条",
    content="经营项目：预包装食品销售（含冷藏冷冻食品）；散装食品销售；热食类食品制售。",
    years=5,
)
LIC_PRODUCTION = LicenceTemplate(
    dept="amr",
    title="全国工业产品生产许可证",
    number="浙XK{y}-",
    width=5,
    basis="《中华人民共和国工业产品生产许可证管理条例》第二条",
    content="许可范围：电线电缆、危险化学品包装物及容器等列入目录的工业产品。",
    years=5,
)
LIC_POLLUTANT = LicenceTemplate(
    dept="zj-eco",
    title="排污许可证",
    number="ZJ{d}PW{y}",
    width=5,
    tail="V",
    basis="《排污许可管理条例》第十一条",
    content="排污种类：废水、废气；执行排放标准按许可证副本载明的要求。",
    years=5,
)
LIC_SAFETY = LicenceTemplate(
    dept="zj-emergency",
    title="安全生产许可证",
    number="（浙）FM安许证字〔{y}〕",
    basis="《安全生产许可证条例》第二条",
    content="许可范围：生产、储存过程的安全生产条件符合要求。",
    years=3,
)
LIC_HAZCHEM = LicenceTemplate(
    dept="zj-emergency",
    title="危险化学品经营许可证",
    number="浙{a}安经字〔{y}〕",
    width=6,
    basis="《危险化学品安全管理条例》第三十三条",
    content="许可范围：不带储存设施经营危险化学品。",
    years=3,
)
LIC_ROAD = LicenceTemplate(
    dept="zj-transport",
    title="道路运输经营许可证",
    number="浙交运管许可{a}字",
    width=6,
    tail="号",
    basis="《中华人民共和国道路运输条例》第二十四条",
    content="经营范围：道路普通货物运输；货物专用运输（集装箱）。",
    years=4,
)
LIC_PORT = LicenceTemplate(
    dept="zj-transport",
    title="港口经营许可证",
    number="（浙{a}）港经证（",
    tail="）号",
    basis="《中华人民共和国港口法》第二十二条",
    content="经营范围：为船舶提供码头设施；货物装卸、仓储服务。",
    years=3,
)
LIC_TRAVEL = LicenceTemplate(
    dept="zj-culture",
    title="旅行社业务经营许可证",
    number="L-ZJ",
    width=6,
    basis="《旅行社条例》第七条",
    content="经营范围：入境旅游业务、国内旅游业务。",
    years=None,
)
LIC_PERFORMANCE = LicenceTemplate(
    dept="zj-culture",
    title="营业性演出许可证",
    number="{d}12",
    width=6,
    basis="《营业性演出管理条例》第六条",
    content="经营范围：演出经纪、演出组织、演出制作。",
    years=2,
)
LIC_NETCULTURE = LicenceTemplate(
    dept="zj-culture",
    title="网络文化经营许可证",
    number="浙网文〔{y}〕",
    tail="号",
    basis="《互联网文化管理暂行规定》第八条",
    content="经营范围：利用信息网络经营音乐娱乐产品、动漫产品。",
    years=3,
)
LIC_LABOUR = LicenceTemplate(
    dept="zj-hrss",
    title="劳务派遣经营许可证",
    number="{d}{y}",
    basis="《中华人民共和国劳动合同法》第五十七条",
    content="经营范围：劳务派遣业务。",
    years=3,
)
LIC_HR = LicenceTemplate(
    dept="zj-hrss",
    title="人力资源服务许可证",
    number="浙人服证字〔{y}〕第",
    tail="号",
    basis="《人力资源市场暂行条例》第十八条",
    content="服务范围：职业介绍、人力资源供求信息的收集和发布。",
    years=5,
)
LIC_FIRE = LicenceTemplate(
    dept="zj-fire",
    title="公众聚集场所投入使用、营业前消防安全检查合格证",
    number="{a}消安检字〔{y}〕第",
    tail="号",
    basis="《中华人民共和国消防法》第十五条",
    content="检查结论：该场所符合消防安全要求，准予投入使用、营业。",
    years=None,
)
LIC_DRAINAGE = LicenceTemplate(
    dept="zj-housing",
    title="城镇污水排入排水管网许可证",
    number="浙{a}排字第{y}",
    tail="号",
    basis="《城镇排水与污水处理条例》第二十一条",
    content="排水类别：一般工业及生活污水；排放口数量：1个。",
    years=5,
)
LIC_DRUG = LicenceTemplate(
    dept="amr",
    title="药品经营许可证",
    number="浙AA{d}",
    basis="《中华人民共和国药品管理法》第五十一条",
    content="经营范围：中药饮片、中成药、化学药制剂、抗生素制剂、生化药品。",
    years=5,
)
LIC_MEDDEV = LicenceTemplate(
    dept="amr",
    title="医疗器械经营许可证",
    number="浙{a}药监械经营许{y}",
    tail="号",
    basis="《医疗器械监督管理条例》第五十二条",
    content="经营范围：第三类医疗器械（体外诊断试剂除外）。",
    years=5,
)
LIC_EQUIPMENT = LicenceTemplate(
    dept="amr",
    title="特种设备使用登记证",
    number="梯11浙{a}",
    width=5,
    basis="《中华人民共和国特种设备安全法》第三十三条",
    content="设备类别：电梯（曳引驱动乘客电梯）。",
    years=None,
)
LIC_CUSTOMS = LicenceTemplate(
    dept="hangzhou-customs",
    title="海关进出口货物收发货人备案",
    number="{d4}96",
    basis="《中华人民共和国海关报关单位备案管理规定》第三条",
    content="备案类别：进出口货物收发货人。",
    years=None,
)
LIC_LENDING = LicenceTemplate(
    dept="zj-finance",
    title="小额贷款公司经营许可",
    number="浙金管〔{y}〕",
    width=3,
    tail="号",
    basis="《浙江省地方金融条例》第十一条",
    content="经营范围：办理各项小额贷款；办理小企业发展、管理、财务咨询业务。",
    years=None,
)
LIC_BUILDING = LicenceTemplate(
    dept="zj-housing",
    title="建筑工程施工许可证",
    number="{d}{y}0",
    width=5,
    basis="《中华人民共和国建筑法》第七条",
    content="工程名称：厂房及配套用房新建工程；建设规模按许可证载明。",
    years=None,
)
LIC_PRESALE = LicenceTemplate(
    dept="zj-housing",
    title="商品房预售许可证",
    number="{a}售许字（{y}）第",
    width=3,
    tail="号",
    basis="《城市商品房预售管理办法》第六条",
    content="预售范围：住宅及配套商业用房，按许可证附件载明的楼幢。",
    years=None,
)
LIC_GAS = LicenceTemplate(
    dept="zj-housing",
    title="燃气经营许可证",
    number="浙{y}{a}",
    basis="《城镇燃气管理条例》第十五条",
    content="经营类别：管道燃气；经营区域以许可证载明为准。",
    years=3,
)
QUAL_BUILD = LicenceTemplate(
    dept="zj-housing",
    title="建筑业企业资质证书",
    number="D2{d}",
    basis="《建筑业企业资质管理规定》第三条",
    content="资质类别及等级：建筑工程施工总承包二级；市政公用工程施工总承包三级。",
    years=5,
    kind=K.QUALIFICATION,
)
QUAL_REALTY = LicenceTemplate(
    dept="zj-housing",
    title="房地产开发企业资质证书",
    number="浙房开{a}",
    basis="《房地产开发企业资质管理规定》第三条",
    content="资质等级：二级。",
    years=3,
    kind=K.QUALIFICATION,
)
QUAL_TESTING = LicenceTemplate(
    dept="amr",
    title="检验检测机构资质认定证书",
    number="{y2}11{d4}",
    basis="《检验检测机构资质认定管理办法》第二条",
    content="认定范围：环境监测、建筑材料检测等，详见证书附表。",
    years=6,
    kind=K.QUALIFICATION,
)
QUAL_DESIGN = LicenceTemplate(
    dept="zj-housing",
    title="工程设计资质证书",
    number="A2{d}",
    basis="《建设工程勘察设计资质管理规定》第三条",
    content="资质等级：建筑行业（建筑工程）乙级。",
    years=5,
    kind=K.QUALIFICATION,
)
QUAL_SAFETY = LicenceTemplate(
    dept="zj-emergency",
    title="安全生产标准化三级企业证书",
    number="浙{a}AQBⅢ{y}",
    basis="《企业安全生产标准化建设定级办法》第三条",
    content="等级：安全生产标准化三级。",
    years=3,
    kind=K.QUALIFICATION,
)
QUAL_AEO = LicenceTemplate(
    dept="hangzhou-customs",
    title="海关高级认证企业证书",
    number="AEOCN{d4}",
    width=6,
    basis="《中华人民共和国海关注册登记和备案企业信用管理办法》第十条",
    content="认证类别：高级认证企业。",
    years=None,
    kind=K.QUALIFICATION,
)
