"""Names of people and brand words (字号) of enterprise names."""

from __future__ import annotations

from . import _weighted_words, _words

# --- People: surnames weighted roughly by their frequency in Zhejiang

_SURNAMES = _weighted_words(
    "陈:75 王:60 张:45 李:40 吴:35 徐:30 周:30 林:28 金:25 胡:25 杨:22 朱:22 沈:20",
    "黄:20 叶:20 刘:20 郑:18 方:15 应:12 孙:12 何:12 蒋:11 楼:10 钱:10 潘:10 俞:10",
    "余:10 赵:10 许:10 汪:9 马:8 姚:8 邵:7 章:7 洪:6 傅:6 蔡:6 卢:6 郭:6 高:6 丁:5",
    "袁:5 程:5 谢:5 董:5 范:5 毛:5 梁:4 魏:4 屠:3 诸葛:0.5 欧阳:0.5",
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华建国忠文斌辉峰红玲燕萍波飞"
    "鹏宇浩凯俊健晨欣怡婷雪琳佳宁林海江荣新春晓志永东振家德成立锋昊睿轩子梓涵"
    "思雨一嘉诗博彬瑞航晶颖慧倩璐蕾若天正耀祥福根宝月云亮毅鑫"
)


# Brand words: first character × second character, plus each city's local words.
BRAND_FIRST = (
    "华新鑫恒泰瑞盛宏兴达德信诚安康永金利源天海博嘉顺昌明正中东凯晨越欣润腾睿佳丰"
    "旺合宇锦富通联远光荣汇众亿创美精良立星振银隆万开禾云峰"
)
BRAND_SECOND = (
    "达兴源泰盛华信通宇丰康利诚德恒瑞鑫辉昌荣祥和邦浩安晟力翔威顺腾鼎扬帆航图元诺"
    "锐凯迪驰奥捷耀宝骏泽森茂欣隆越嘉汇程峰"
)
BRAND_GRID = tuple(a + b for a in BRAND_FIRST for b in BRAND_SECOND if a != b)
PROVINCIAL_BRANDS = _words("之江 浙商 钱江 东海")
# A bucket that has used every brand goes round again with one of these before the brand.
BRAND_MARKERS = "新大中金宏永华"
