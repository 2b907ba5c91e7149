"""Name, address and text pools of the demo township 清溪镇 (fictional, like all its people).

Only data lives here; `app.demo.township` and its step modules draw from these pools with one seeded
random stream, so the same seed always gives the same township.
"""

from __future__ import annotations

import random

TOWNSHIP = "清溪镇"
CITY = "溪州市"
ISSUING_OFFICE = "清溪镇反电信网络诈骗分中心"
OFFICE_ADDRESS = "溪州市清溪镇人民路88号镇政府大院平安办"
# A made-up county code: no prefecture 3390 exists, so no real person can share a number.
REGION_CODE = "339005"
# Spouses who married in from elsewhere carry the codes of their home counties.
OTHER_REGION_CODES = ("360424", "422826", "511321", "341221", "432524", "530126")
AREA_CODE = "0579"

# Frequent surnames appear more than once: a cheap weighting for `random.choice`.
SURNAMES = (
    *"王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
    "田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹"
    "薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤楼应俞施",
    "欧阳",
    "诸葛",
    "司马",
)

_MALE_CHARS = "伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国志文"
_FEMALE_CHARS = "芳娜敏静丽艳娟霞秀燕玲桂丹萍红玉兰凤洁琳素云莲雪慧颖琴晶妍婷雯倩璐瑶"
_YOUNG_MALE = "子轩浩宇梓豪俊熙宇泽皓轩一鸣嘉懿博文思远天佑睿哲锦程"
_YOUNG_FEMALE = "梓涵欣怡诗涵可馨雨桐一诺若汐语嫣子琪佳怡梦瑶思彤紫萱"
# fmt: off
_ELDER_MALE = (
    "建国", "国强", "德明", "志华", "福生", "长根", "金福", "水根", "有才", "德胜",
    "根宝", "春生", "永祥", "茂林", "树人",
)
_ELDER_FEMALE = (
    "桂英", "秀英", "玉兰", "凤英", "桂兰", "秀珍", "美华", "月娥", "翠花", "金凤",
    "素珍", "彩霞", "菊芳", "爱珍", "巧云",
)
# fmt: on
# 生僻字 outside GB2312 that real rosters contain and the program must print.
RARE_CHARS = "喆堃昇犇淼䶮"
RARE_NAME_SHARE = 1 / 300


def _given_names(chars: str, pairs: str) -> tuple[str, ...]:
    """Single-character names, every two-character combination, and the paired names."""
    two = [a + b for a in chars[::2] for b in chars[1::2]]
    paired = [pairs[i : i + 2] for i in range(0, len(pairs), 2)]
    return (*chars, *two, *paired)


GIVEN_MALE = _given_names(_MALE_CHARS, _YOUNG_MALE)
GIVEN_FEMALE = _given_names(_FEMALE_CHARS, _YOUNG_FEMALE)
GIVEN_ELDER_MALE = (*_ELDER_MALE, *_MALE_CHARS[:12])
GIVEN_ELDER_FEMALE = (*_ELDER_FEMALE, *_FEMALE_CHARS[:12])

# fmt: off
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
    "151", "152", "153", "155", "156", "157", "158", "159", "166", "177",
    "180", "182", "186", "187", "188", "189", "191", "199",
)
# fmt: on


def mobile(rng: random.Random) -> str:
    """An 11-digit mobile number."""
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def landline(rng: random.Random) -> str:
    """A landline with the area code, e.g. 0579-86231234."""
    return f"{AREA_CODE}-8{rng.randrange(10**7):07d}"


def person_name(rng: random.Random, male: bool, age: int = 40) -> str:
    """A Chinese name; older people get older-fashioned names; about 1 in 300 has a 生僻字."""
    if age >= 60:
        given = rng.choice(GIVEN_ELDER_MALE if male else GIVEN_ELDER_FEMALE)
    else:
        given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    if rng.random() < RARE_NAME_SHARE:
        given = given[:-1] + rng.choice(RARE_CHARS)
    return rng.choice(SURNAMES) + given


# fmt: off
VILLAGES = (
    "清溪社区", "溪口村", "桃源村", "柳塘村", "石门村", "竹林村", "梅岭村",
    "荷花社区", "双溪村", "白沙村", "青山村", "云湖社区", "枫林村", "长乐村",
    "龙潭村", "锦绣社区", "南塘村", "西坞村", "杏园村", "新民社区",
)
ROADS = (
    "幸福路", "人民路", "建设路", "文化路", "和平街", "新华路",
    "学府路", "滨溪路", "清溪路", "桃园路", "振兴路",
)
# fmt: on

VILLAGE_DUTIES = (
    "将电信网络诈骗防范工作纳入村（居）日常工作，组织村（居）干部、党员、网格员和志愿者"
    "开展“入户宣传”，逐户签订告知书、承诺书；建好本村（居）三级反诈宣传微信群并及时转发"
    "预警信息；配合派出所做好预警劝阻和受害人安抚，发现涉诈线索及时报告分中心；"
    "积极创建“无诈村（社区）”。"
)

# (full name, short name, kind); every kind of unit but `village`, in the order of the list
MEMBER_UNITS = (
    ("清溪镇平安办", "平安办", "institution"),
    ("清溪镇党群办", "党群办", "institution"),
    ("溪州市公安局清溪派出所", "清溪派出所", "police"),
    ("溪州市公安局溪口派出所", "溪口派出所", "police"),
    ("清溪镇经发办", "经发办", "institution"),
    ("清溪镇社发办", "社发办", "institution"),
    ("清溪镇财政所", "财政所", "institution"),
    ("清溪镇司法所", "司法所", "institution"),
    ("清溪市场监督管理所", "市场监管所", "institution"),
    ("清溪镇融媒体中心", "融媒体中心", "institution"),
    ("清溪镇城运中心", "城运中心", "institution"),
    ("清溪镇社建办", "社建办", "institution"),
    ("清溪镇中心小学", "中心小学", "school"),
    ("清溪中学", "清溪中学", "school"),
    ("清溪镇中心幼儿园", "中心幼儿园", "school"),
    ("溪州农商银行清溪支行", "农商银行", "finance"),
    ("溪州邮储银行清溪支行", "邮储银行", "finance"),
    ("清溪镇卫生院", "卫生院", "medical"),
    ("清溪投资发展有限公司", "投资公司", "enterprise"),
    ("清溪工业园区管理服务中心", "工业园区", "enterprise"),
    ("溪源纺织有限公司", "溪源纺织", "enterprise"),
    ("清溪镇妇联", "妇联", "mass_org"),
    ("共青团清溪镇委员会", "团委", "mass_org"),
    ("清溪镇总工会", "工会", "mass_org"),
    ("清溪镇寄递物流服务站", "寄递服务站", "other"),
    ("清溪镇新时代文明实践所", "文明实践所", "other"),
)
# What the plan assigns to each member unit (职责分工), by short name.
UNIT_DUTIES = {
    "平安办": (
        "牵头协调各村（居）和成员单位落实反诈工作，承担分中心办公室日常运转；按照“谁主管、"
        "谁负责、谁防范、谁宣传”的要求督促行业单位做好内部防范；"
        "组织平安志愿者在民警带领下开展宣传劝阻；将反诈工作纳入网格治理和年度考核，负责督导检查、"
        "月度通报和约谈。"
    ),
    "党群办": (
        "依托新时代文明实践站所组织党员干部参与反诈宣传，将反诈知识纳入党员冬训和主题党日内容。"
    ),
    "清溪派出所": (
        "发挥打击治理主力军作用，推送预警信息和研判成果，组织民警辅警入户宣传和预警劝阻；"
        "为各成员单位提供典型案例和宣传素材，指导开展反诈培训；适时督导村（居）反诈工作。"
    ),
    "溪口派出所": (
        "负责辖区各村预警劝阻、见面劝阻和回访，组织警力开展入户宣传；组织寄递网点粘贴防骗提醒；"
        "对涉诈重点人员落实教育管控。"
    ),
    "经发办": (
        "指导商业综合体、银行网点和规上企业开展反诈宣传，把好黑灰产业进驻的第一道关口；"
        "排查涉诈问题线索并及时移送公安机关。"
    ),
    "社发办": (
        "督促指导各学校明确分管校领导，抓好“开学第一课”和主题班会反诈教育，推动“小手牵大手”；"
        "协调医疗机构利用电子屏、公众号开展宣传；组织“无诈校园”创建。"
    ),
    "财政所": "保障反诈工作经费；组织全镇会计和财务人员开展反诈培训，将反诈知识纳入继续教育内容。",
    "司法所": (
        "建立反诈法治宣传教育机制，组织普法微课堂、知识竞赛和专题巡讲；为涉诈受害人提供法律援助；"
        "加强对涉诈社区矫正对象的教育管理。"
    ),
    "市场监管所": (
        "在登记注册窗口摆放反诈资料、播放宣传视频，提醒企业负责人和财务人员防范风险；排查保健品、"
        "养老服务等领域涉诈问题；组织酒店、药店、饭店等商户开展宣传。"
    ),
    "融媒体中心": (
        "有计划地开展全媒体反诈宣传，及时发布典型案例和预警提示，报道成员单位的做法和成效。"
    ),
    "城运中心": ("利用 12345 热线和网格视频资源配合预警劝阻，将反诈巡查、走访、劝导纳入网格职责。"),
    "社建办": (
        "排查养老服务领域涉诈问题和以社会服务机构名义违规开展活动的场所；"
        "组织社会组织和志愿者协会参与反诈宣传。"
    ),
    "中心小学": (
        "每学期开展反诈主题班会和“开学第一课”，通过家长群和致家长一封信把防骗知识传导给家长；"
        "创建“无诈校园”。"
    ),
    "清溪中学": (
        "面向师生和家长开展反诈教育，重点防范游戏交易、刷单返利和买卖“两卡”；"
        "教职工全员签订承诺书、安装国家反诈中心 APP。"
    ),
    "中心幼儿园": (
        "利用家长会和家园共育平台开展反诈宣传，重点提醒陪读家长防范冒充老师、虚假缴费诈骗。"
    ),
    "农商银行": (
        "利用门头 LED 屏和厅堂电视播放防骗公益广告；落实柜面大额转账防骗提醒、"
        "可疑账户报告制度，及时阻断买卖账户和转移赃款通道；配合资金端预警见面劝阻。"
    ),
    "邮储银行": (
        "在营业网点和自助设备开展防骗提示，对老年客户大额取现转账逐笔询问；"
        "配合公安机关开展止付和劝阻。"
    ),
    "卫生院": (
        "利用候诊区电子屏、公众号宣传防骗知识；排查虚假医疗、保健品涉诈问题；"
        "组织医护人员全员学习反诈知识。"
    ),
    "投资公司": (
        "在工作区域摆放张贴反诈资料，对企业负责人、财务人员开展集中宣讲；"
        "督促下属企业落实员工承诺和 APP 安装。"
    ),
    "工业园区": (
        "组织园区企业开展全覆盖反诈宣传，重点防范冒充领导熟人、虚假投资理财对财务人员的诈骗。"
    ),
    "溪源纺织": "对一线员工开展集中宣讲和微信推送，新员工入职即签承诺书、装 APP。",
    "妇联": (
        "针对妇女易受骗类型开展精准宣传，重点关注“陪读妈妈”、留守妇女、待业在家妇女；"
        "发挥巾帼志愿者作用排查线索。"
    ),
    "团委": "组建反诈青年志愿者队伍，针对青少年开展刷单、网贷、游戏交易等高发类案宣传。",
    "工会": "督促基层工会开展职工反诈教育，组织防诈骗文艺宣传演出“进企入厂”。",
    "寄递服务站": "组织辖区快递网点对包裹逐件粘贴防骗提醒，发现可疑寄递物品及时报告。",
    "文明实践所": "把反诈宣传融入文化下乡、广场舞、送戏进村等活动，扩大宣传覆盖面。",
}

# Posts of the four named people (第一责任人, 具体责任人, 联络员, 宣讲员), by unit kind.
ROLE_POSTS = {
    "institution": ("主任", "副主任", "科员", "工作人员"),
    "police": ("所长", "副所长", "内勤民警", "社区民警"),
    "village": ("党总支书记", "治保主任", "村文书", "网格员"),
    "school": ("校长", "副校长", "德育处主任", "班主任"),
    "finance": ("行长", "副行长", "运营主管", "大堂经理"),
    "medical": ("院长", "副院长", "办公室主任", "健康教育医生"),
    "enterprise": ("总经理", "副总经理", "行政主管", "安全员"),
    "mass_org": ("主席", "副主席", "干事", "志愿者"),
    "other": ("负责人", "副负责人", "联络员", "宣讲员"),
    # units whose heads have other titles
    "财政所": ("所长", "副所长", "科员", "会计"),
    "司法所": ("所长", "副所长", "司法助理员", "人民调解员"),
    "市场监管所": ("所长", "副所长", "科员", "执法人员"),
    "团委": ("书记", "副书记", "干事", "青年志愿者"),
    "社区": ("社区党委书记", "社区居委会副主任", "社区工作者", "网格员"),
}
EMPLOYEE_POSTS = {
    "institution": ("科员", "办事员", "副主任", "工作人员"),
    "police": ("民警", "辅警", "内勤"),
    "school": ("教师", "班主任", "后勤", "保安"),
    "finance": ("柜员", "客户经理", "大堂经理", "保安"),
    "medical": ("医生", "护士", "药剂师", "收费员"),
    "enterprise": ("操作工", "财务", "销售", "质检员", "仓管"),
    "mass_org": ("干事", "工作人员"),
    "other": ("工作人员", "快递员", "文员"),
}
EMPLOYEES_PER_KIND = {  # (fewest, most) on a unit's staff list
    "institution": (6, 18), "police": (14, 30), "school": (30, 80), "finance": (10, 22),
    "medical": (35, 70), "enterprise": (40, 140), "mass_org": (3, 8), "other": (5, 15),
}  # fmt: skip
