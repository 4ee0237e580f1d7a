"""The columns of the survey workbook: our header, the other headers offices use for it, and what the
template says about it. A column is found by its header, wherever it stands."""

from __future__ import annotations

from openpes.core.tabular import Column, ColumnSet, header_key

COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "姓名",
        ("名字", "劳动力姓名", "人员姓名", "户成员姓名", "成员姓名"),
        "必填。",
        10,
        required=True,
    ),
    Column(
        "id_number",
        "公民身份号码",
        (
            "身份证号",
            "身份证号码",
            "身份证",
            "证件号码",
            "证件号",
            "身份号码",
            "居民身份证号码",
            "居民身份证号",
            "公民身份证号码",
            "公民身份证号",
            "社会保障号码",
            "社会保障号",
        ),
        "必填。18位（旧的15位号码会自动转换）；请保持本列为文本格式，以免Excel把号码改成科学计数法、丢失末尾几位。",
        21,
        required=True,
    ),
    Column("sex", "性别", (), "男或女；不填时按身份证号码确定，填了须与身份证号码一致。", 6),
    Column("ethnicity", "民族", ("民族名称",), "如汉族、苗族、侗族（可不写“族”）。", 8),
    Column(
        "education",
        "文化程度",
        ("学历", "最高学历", "文化", "受教育程度", "学历程度"),
        "从下拉列表选择。",
        10,
    ),
    Column(
        "phone",
        "联系电话",
        (
            "手机号",
            "手机号码",
            "手机",
            "电话",
            "电话号码",
            "联系方式",
            "本人电话",
            "本人联系电话",
            "本人手机号",
            "移动电话",
            "联系手机",
        ),
        "手机号码（11位）或带区号的固定电话；填了多个号码时只导入第一个。",
        14,
    ),
    Column(
        "hukou_address", "户籍地址", ("户籍所在地", "户籍地", "户口所在地", "户口地址", "户籍住址"), "", 24
    ),
    Column(
        "address",
        "现居住地址",
        (
            "居住地址",
            "现住址",
            "现居住地",
            "常住地址",
            "家庭住址",
            "现家庭住址",
            "住址",
            "地址",
            "家庭地址",
            "现住地址",
            "居住地",
        ),
        "",
        24,
    ),
    Column(
        "relation",
        "与户主关系",
        ("与户主的关系", "家庭关系", "户主关系", "关系"),
        "如户主、配偶、子、女、父亲、母亲。",
        10,
    ),
    Column(
        "labour_status",
        "就业状态",
        (
            "就业情况",
            "就失业状态",
            "就业失业状态",
            "劳动力状态",
            "从业状态",
            "目前状态",
            "就业状况",
            "人员状态",
        ),
        "必填。从下拉列表选择；灵活就业、务农等同时说明了就业形式。",
        12,
        required=True,
    ),
    Column(
        "employment_form",
        "就业形式",
        ("就业类型", "就业方式", "从业形式", "就业渠道"),
        "已就业人员填写。",
        12,
    ),
    Column(
        "work_place",
        "就业地点",
        ("就业地", "务工地点", "务工地", "工作地点", "工作地", "就业地区", "务工地区", "就业区域"),
        "已就业人员填写，如广东省东莞市。",
        16,
    ),
    Column(
        "employer_name",
        "就业单位",
        ("工作单位", "就业单位名称", "工作单位名称", "务工单位", "用工单位", "单位名称", "所在单位"),
        "已就业人员填写。",
        20,
    ),
    Column(
        "monthly_income",
        "月收入",
        ("月均收入", "月工资", "月工资收入", "月收入水平", "月平均收入", "收入", "工资收入", "月薪"),
        "每月收入（元），如3000、3000元、3千；填区间（如3000-4000）时取中间值。",
        10,
    ),
    Column("unemployment_reason", "失业原因", ("未就业原因",), "失业人员填写，从下拉列表选择。", 16),
    Column(
        "unemployed_since",
        "失业时间",
        ("失业日期", "失业年月", "失业起始时间", "未就业时间", "失业开始时间"),
        "失业人员填写，如2026-09、2026年9月或2026-09-01；只填年月时按当月1日。",
        12,
    ),
    Column(
        "job_wish",
        "就业意愿",
        ("就业需求", "求职意愿", "就业意向", "求职意向", "是否有就业意愿"),
        "有或无；也可直接写想做的工作，如“想去县城进厂”。",
        14,
    ),
    Column(
        "training_wish",
        "培训意愿",
        ("培训需求", "培训意向", "是否有培训意愿", "是否愿意参加培训", "意向培训工种"),
        "有或无；也可直接写想学的工种，如“电工”。",
        14,
    ),
)

COLUMN_SET = ColumnSet(COLUMNS)
REQUIRED = COLUMN_SET.required
BY_KEY = COLUMN_SET.by_key
HEADER_LOOKUP: dict[str, str] = COLUMN_SET.lookup

__all__ = ["BY_KEY", "COLUMNS", "COLUMN_SET", "HEADER_LOOKUP", "REQUIRED", "Column", "header_key"]
