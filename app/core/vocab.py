"""The fixed vocabularies of the domain: stored English codes and their Chinese labels.

Lists the clerk must be able to change (fraud types) live in tables, not here.
"""

from __future__ import annotations

UNIT_KINDS = {
    "institution": "机关部门",
    "police": "派出所",
    "village": "村居",
    "school": "学校",
    "finance": "金融机构",
    "medical": "医疗机构",
    "enterprise": "企业",
    "mass_org": "群团组织",
    "other": "其他",
}

UNIT_ROLES = {
    "first_responsible": "第一责任人",
    "specific_responsible": "具体责任人",
    "liaison": "联络员",
    "lecturer": "宣讲员",
}

GROUP_ROLES = {
    "leader": "组长",
    "executive_deputy": "常务副组长",
    "deputy": "副组长",
    "member": "成员",
    "office_director": "办公室主任",
}

RESIDENT_TAGS = (
    "老年人",
    "学生",
    "留守妇女",
    "陪读妈妈",
    "待业人员",
    "财务人员",
    "企业负责人",
    "退休人员",
    "个体工商户",
    "涉诈高危人员",
)

RELATIONS = {
    "head": "户主",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "grandchild": "孙子女",
    "sibling": "兄弟姐妹",
    "other": "其他",
}

VISIT_MODES = {"in_person": "入户", "phone_callback": "电话回访", "group_session": "集中宣讲"}
VISIT_OUTCOMES = {"visited": "已走访", "nobody_home": "不在家", "refused": "拒绝"}
COMMITMENT_RESULTS = {"signed": "已签", "refused": "拒签", "not_offered": "未提供"}

LETTER_KINDS = {
    "notice": "告知书",
    "commitment_household": "承诺书（住户）",
    "commitment_employee": "承诺书（职工）",
}
LETTER_STATUSES = {
    "pending_print": "待打印",
    "printed": "已打印",
    "delivered": "已送达",
    "signed": "已签回",
    "refused": "拒签",
    "void": "作废",
}

ALERT_SOURCES = {
    "alert_96110": "96110 预警",
    "fund_side": "资金端预警",
    "bank_counter": "银行柜面",
    "public_help": "群众求助",
    "visit": "走访发现",
    "upstream": "上级推送",
    "other": "其他",
}
CASE_OUTCOMES = {
    "success": "成功劝阻",
    "partial": "部分止损",
    "failed": "劝阻无效",
    "transferred_after_warning": "预警后仍转账",
}
AWARD_KINDS = {
    "per_deed": "一事一奖",
    "per_case": "一案一奖",
    "report": "举报奖励",
    "annual": "年度表彰",
    "other": "其他",
}
AWARD_STATUSES = {"proposed": "拟奖励", "approved": "已审批", "paid": "已发放"}
COMMENDATION_KINDS = {
    "praise": "通报表扬",
    "criticism": "通报批评",
    "yellow_card": "黄牌",
    "red_card": "红牌",
    "interview": "约谈",
    "warning": "警示",
}

MEETING_KINDS = {
    "quarterly": "季度例会",
    "joint": "联席会议",
    "special": "专题会",
    "briefing": "情况通报会",
}
ATTENDANCE_STATUSES = {"present": "出席", "excused": "请假", "observer": "列席", "absent": "缺席"}
DECISION_STATUSES = {
    "open": "未开始",
    "in_progress": "推进中",
    "done": "已完成",
    "dropped": "已撤销",
}

PUBLICITY_FORMS = (
    "进机关",
    "进社区",
    "进学校",
    "进商场",
    "进家庭",
    "进企业",
    "LED",
    "海报",
    "讲座",
    "微信推送",
    "短信",
)
INSPECTION_METHODS = {
    "household_visit": "入户走访",
    "phone_callback": "电话回访",
    "on_site": "实地检查",
}
CALLBACK_RESULTS = {
    "pending": "待回访",
    "confirmed": "确认走访",
    "not_confirmed": "未确认",
    "unreachable": "无法联系",
}
TITLE_KINDS = {
    "community": "无诈社区",
    "unit": "无诈单位",
    "campus": "无诈校园",
    "building": "无诈楼宇",
}
TITLE_STATUSES = {"applying": "创建中", "awarded": "已命名", "revoked": "已撤销"}
USER_ROLES = {
    "admin": "管理员",
    "clerk": "办公室工作人员",
    "grid_worker": "网格员",
    "head": "分中心主任",
}
PERSON_CATEGORIES = {
    "police_officer": "民警",
    "auxiliary_police": "辅警",
    "grid_worker": "网格员",
    "cadre": "干部",
    "volunteer": "志愿者",
    "other": "其他",
}
