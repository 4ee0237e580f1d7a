"""Reading and cleaning a labour-force survey workbook, without the database: the part of the survey import
that `employment.survey` does, against python-calamine's raw read of the same file as the floor.

The workbook is what a township sends: a title row, our header, then ROWS people with unique ID numbers and
phones, names, addresses and employers drawn from small pools (as a village repeats them), every status,
dates as text, as Excel dates and as serials, incomes written several ways. It is written with xlsxwriter's
shared strings, as Excel writes them.

    uv run python benchmarks/survey_read.py --rows 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time

import django
import xlsxwriter

HEADER = (
    "序号",
    "姓名",
    "公民身份号码",
    "性别",
    "民族",
    "文化程度",
    "联系电话",
    "户籍地址",
    "现居住地址",
    "与户主关系",
    "就业状态",
    "就业形式",
    "就业地点",
    "就业单位",
    "月收入",
    "失业原因",
    "失业时间",
    "就业意愿",
    "培训意愿",
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红"
STATUSES = ("已就业", "灵活就业", "务农", "失业", "未就业", "在校学生", "退休", "无就业意愿", "自主创业")
EDUCATION = ("小学", "初中", "高中", "中专", "大专", "本科", "初中毕业")
ETHNICITY = ("汉族", "汉", "苗族", "侗族", "瑶族")
RELATION = ("户主", "配偶", "子", "女", "父亲", "母亲", "孙子")
PLACES = ("广东省东莞市", "广东省深圳市", "浙江省义乌市", "绥宁县长铺镇", "湖南省长沙市")
EMPLOYERS = ("东莞某某电子有限公司", "深圳某某科技有限公司", "义乌某某小商品厂", "长铺镇某某合作社", "")
INCOMES = ("3000", "4500元", "3千", "3000-4000", 5200)
REASONS = ("个人原因辞职", "合同到期", "毕业后未就业", "返乡", "")


def _id_number(index: int) -> str:
    from openpes.core.identifiers import check_digit

    born = dt.date(1966, 1, 1) + dt.timedelta(days=index // 400)
    first17 = f"430527{born:%Y%m%d}{index % 400 + 100:03d}"
    return first17 + check_digit(first17)


def survey_workbook(rows: int, *, seed: int = 2026) -> bytes:
    """A survey workbook of `rows` people, each row valid, in the shape a township sends."""
    pick = random.Random(seed).choice
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("采集表")
    month = book.add_format({"num_format": "yyyy-mm"})
    sheet.write_string(0, 0, "长铺镇某某村城乡劳动力实名制数据采集表")
    sheet.write_row(1, 0, HEADER)
    for index in range(rows):
        line = index + 2
        status = pick(STATUSES)
        employed = status in ("已就业", "灵活就业", "务农", "自主创业")
        unemployed = status in ("失业", "未就业")
        values: list[object] = [
            index + 1,
            pick(SURNAMES) + pick(GIVEN) + pick(("", *GIVEN)),
            _id_number(index),
            "",
            pick(ETHNICITY),
            pick(EDUCATION),
            f"13{index % 9 + 1}{index:08d}",
            f"绥宁县长铺镇某某村{index % 12 + 1}组",
            f"绥宁县长铺镇某某村{index % 12 + 1}组",
            pick(RELATION),
            status,
            "单位就业" if status == "已就业" else "",
            pick(PLACES) if employed else "",
            pick(EMPLOYERS) if employed else "",
            pick(INCOMES) if employed else "",
            pick(REASONS) if unemployed else "",
            "",
            pick(("有", "无", "想去县城进厂")) if not unemployed else "有",
            pick(("有", "无", "电工", "")),
        ]
        sheet.write_row(line, 0, values)
        if unemployed:
            since = pick(("2026.3", "2025年11月", 46023.0, dt.date(2026, 5, 1)))
            if isinstance(since, dt.date):
                sheet.write_datetime(line, 16, dt.datetime(since.year, since.month, since.day), month)
            else:
                sheet.write(line, 16, since)
    book.close()
    return buffer.getvalue()


def _raw_read(content: bytes) -> int:
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_filelike(io.BytesIO(content)) as book:
        return sum(1 for _ in book.get_sheet_by_index(0).iter_rows())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median is shown")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpes.settings")
    django.setup()
    from openpes.employment.survey import clean_table, read_table

    started = time.process_time()
    content = survey_workbook(args.rows)
    print(
        f"workbook: {args.rows} rows, {len(content) / 1e6:.1f} MB, written in {time.process_time() - started:.1f} s"
    )
    today = dt.date(2026, 11, 29)
    raw, reading, cleaning = [], [], []
    for _ in range(args.repeat):
        started = time.process_time()
        _raw_read(content)
        raw.append(time.process_time() - started)
        started = time.process_time()
        table = read_table(content, "survey.xlsx")
        reading.append(time.process_time() - started)
        started = time.process_time()
        survey = clean_table(table, today=today)
        cleaning.append(time.process_time() - started)
    if len(survey.rows) != args.rows or survey.problem_rows:
        problems = [str(problem) for row in survey.problem_rows[:5] for problem in row.problems]
        sys.exit(f"expected {args.rows} clean rows, got {len(survey.rows)}, problems: {problems}")
    total = [read + clean for read, clean in zip(reading, cleaning, strict=True)]
    for label, times in (
        ("python-calamine raw read (floor)", raw),
        ("read_table (sheet, header, rows)", reading),
        ("clean_table (typed rows, problems)", cleaning),
        ("read + clean", total),
    ):
        median = statistics.median(times)
        print(f"{label:<36} {median:6.2f} s  {args.rows / median:>9,.0f} rows/s")


if __name__ == "__main__":
    main()
