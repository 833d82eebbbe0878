"""The built-in templates' tables, rows, columns and Chinese labels, as the writers need them.

A writer knows only the model, so it cannot load templates; this map is
generated from `core/gongkai/templates/*.toml` and shipped with the writer.
`tests/test_csv_writer.py` checks that it still matches the templates (and
rewrites the FORMS block with GONGKAI_REGEN_FORMS=1). The same file is shipped
in gongkai_csv and gongkai_xlsx, which may not import each other.

Wide order (csv-wide, the xlsx data set): table by table in the order of
gov-2021 (then any table only gov-2019 has); within a table the cells of
gov-2021 in template order, then the cells only gov-2019 has, in its order.
"""

from __future__ import annotations

ColumnForm = tuple[str, str]  # column id, label
RowForm = tuple[str, str, str | None, tuple[str, ...]]  # row id, label, group, column ids (() = all the table's)
TableForm = tuple[str, str, tuple[ColumnForm, ...], tuple[RowForm, ...]]  # table id, heading, columns, rows

BUILTIN_ORDER = ("gov-2021", "gov-2019")

# --- generated: begin ---
FORMS: dict[str, tuple[TableForm, ...]] = {
    "gov-2021": (
        (
            "active_disclosure",
            "二、主动公开政府信息情况",
            (
                ("issued", "本年制发件数"),
                ("repealed", "本年废止件数"),
                ("in_force", "现行有效件数"),
                ("decisions", "本年处理决定数量"),
                ("amount", "本年收费金额（单位：万元）"),
            ),
            (
                ("regulations", "规章", "第二十条第（一）项", ("issued", "repealed", "in_force")),
                ("normative_documents", "行政规范性文件", "第二十条第（一）项", ("issued", "repealed", "in_force")),
                ("licensing", "行政许可", "第二十条第（五）项", ("decisions",)),
                ("penalty", "行政处罚", "第二十条第（六）项", ("decisions",)),
                ("coercion", "行政强制", "第二十条第（六）项", ("decisions",)),
                ("fees", "行政事业性收费", "第二十条第（八）项", ("amount",)),
            ),
        ),
        (
            "applications",
            "三、收到和处理政府信息公开申请情况",
            (
                ("natural_person", "自然人"),
                ("commercial_enterprise", "商业企业"),
                ("research_institution", "科研机构"),
                ("social_welfare_org", "社会公益组织"),
                ("legal_service_org", "法律服务机构"),
                ("other_org", "其他"),
                ("total", "总计"),
            ),
            (
                ("new_received", "一、本年新收政府信息公开申请数量", None, ()),
                ("carried_over", "二、上年结转政府信息公开申请数量", None, ()),
                ("granted", "（一）予以公开", "三、本年度办理结果", ()),
                (
                    "partially_granted",
                    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                    "三、本年度办理结果",
                    (),
                ),
                ("denied_state_secret", "1.属于国家秘密", "（三）不予公开", ()),
                ("denied_prohibited_by_law", "2.其他法律行政法规禁止公开", "（三）不予公开", ()),
                ("denied_security_stability", "3.危及“三安全一稳定”", "（三）不予公开", ()),
                ("denied_third_party", "4.保护第三方合法权益", "（三）不予公开", ()),
                ("denied_internal_affairs", "5.属于三类内部事务信息", "（三）不予公开", ()),
                ("denied_process_info", "6.属于四类过程性信息", "（三）不予公开", ()),
                ("denied_enforcement_file", "7.属于行政执法案卷", "（三）不予公开", ()),
                ("denied_administrative_query", "8.属于行政查询事项", "（三）不予公开", ()),
                ("cannot_provide_not_held", "1.本机关不掌握相关政府信息", "（四）无法提供", ()),
                ("cannot_provide_needs_creation", "2.没有现成信息需要另行制作", "（四）无法提供", ()),
                ("cannot_provide_unclear", "3.补正后申请内容仍不明确", "（四）无法提供", ()),
                ("not_processed_petition", "1.信访举报投诉类申请", "（五）不予处理", ()),
                ("not_processed_duplicate", "2.重复申请", "（五）不予处理", ()),
                ("not_processed_publication", "3.要求提供公开出版物", "（五）不予处理", ()),
                ("not_processed_excessive", "4.无正当理由大量反复申请", "（五）不予处理", ()),
                ("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理", ()),
                ("other_handling", "（六）其他处理", "三、本年度办理结果", ()),
                (
                    "other_no_correction",
                    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                    "（六）其他处理",
                    (),
                ),
                (
                    "other_unpaid_fee",
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                    "（六）其他处理",
                    (),
                ),
                ("other_other", "3.其他", "（六）其他处理", ()),
                ("total_handled", "（七）总计", "三、本年度办理结果", ()),
                ("carried_forward", "四、结转下年度继续办理", None, ()),
            ),
        ),
        (
            "review_litigation",
            "四、政府信息公开行政复议、行政诉讼情况",
            (
                ("upheld", "结果维持"),
                ("corrected", "结果纠正"),
                ("other", "其他结果"),
                ("pending", "尚未审结"),
                ("total", "总计"),
            ),
            (
                ("review", "行政复议", None, ()),
                ("litigation_direct", "未经复议直接起诉", "行政诉讼", ()),
                ("litigation_after_review", "复议后起诉", "行政诉讼", ()),
            ),
        ),
    ),
    "gov-2019": (
        (
            "active_disclosure",
            "二、主动公开政府信息情况",
            (
                ("new_made", "本年新制作数量"),
                ("new_published", "本年新公开数量"),
                ("total_published", "对外公开总数量"),
                ("previous_items", "上一年项目数量"),
                ("change", "本年增/减"),
                ("decisions", "处理决定数量"),
                ("items", "采购项目数量"),
                ("amount", "采购总金额"),
            ),
            (
                ("regulations", "规章", "第二十条第（一）项", ("new_made", "new_published", "total_published")),
                (
                    "normative_documents",
                    "规范性文件",
                    "第二十条第（一）项",
                    ("new_made", "new_published", "total_published"),
                ),
                ("licensing", "行政许可", "第二十条第（五）项", ("previous_items", "change", "decisions")),
                (
                    "other_services",
                    "其他对外管理服务事项",
                    "第二十条第（五）项",
                    ("previous_items", "change", "decisions"),
                ),
                ("penalty", "行政处罚", "第二十条第（六）项", ("previous_items", "change", "decisions")),
                ("coercion", "行政强制", "第二十条第（六）项", ("previous_items", "change", "decisions")),
                ("fees", "行政事业性收费", "第二十条第（八）项", ("previous_items", "change")),
                ("procurement", "政府集中采购", "第二十条第（九）项", ("items", "amount")),
            ),
        ),
        (
            "applications",
            "三、收到和处理政府信息公开申请情况",
            (
                ("natural_person", "自然人"),
                ("commercial_enterprise", "商业企业"),
                ("research_institution", "科研机构"),
                ("social_welfare_org", "社会公益组织"),
                ("legal_service_org", "法律服务机构"),
                ("other_org", "其他"),
                ("total", "总计"),
            ),
            (
                ("new_received", "一、本年新收政府信息公开申请数量", None, ()),
                ("carried_over", "二、上年结转政府信息公开申请数量", None, ()),
                ("granted", "（一）予以公开", "三、本年度办理结果", ()),
                (
                    "partially_granted",
                    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                    "三、本年度办理结果",
                    (),
                ),
                ("denied_state_secret", "1.属于国家秘密", "（三）不予公开", ()),
                ("denied_prohibited_by_law", "2.其他法律行政法规禁止公开", "（三）不予公开", ()),
                ("denied_security_stability", "3.危及“三安全一稳定”", "（三）不予公开", ()),
                ("denied_third_party", "4.保护第三方合法权益", "（三）不予公开", ()),
                ("denied_internal_affairs", "5.属于三类内部事务信息", "（三）不予公开", ()),
                ("denied_process_info", "6.属于四类过程性信息", "（三）不予公开", ()),
                ("denied_enforcement_file", "7.属于行政执法案卷", "（三）不予公开", ()),
                ("denied_administrative_query", "8.属于行政查询事项", "（三）不予公开", ()),
                ("cannot_provide_not_held", "1.本机关不掌握相关政府信息", "（四）无法提供", ()),
                ("cannot_provide_needs_creation", "2.没有现成信息需要另行制作", "（四）无法提供", ()),
                ("cannot_provide_unclear", "3.补正后申请内容仍不明确", "（四）无法提供", ()),
                ("not_processed_petition", "1.信访举报投诉类申请", "（五）不予处理", ()),
                ("not_processed_duplicate", "2.重复申请", "（五）不予处理", ()),
                ("not_processed_publication", "3.要求提供公开出版物", "（五）不予处理", ()),
                ("not_processed_excessive", "4.无正当理由大量反复申请", "（五）不予处理", ()),
                ("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理", ()),
                ("other_handling", "（六）其他处理", "三、本年度办理结果", ()),
                (
                    "other_no_correction",
                    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                    "（六）其他处理",
                    (),
                ),
                (
                    "other_unpaid_fee",
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                    "（六）其他处理",
                    (),
                ),
                ("other_other", "3.其他", "（六）其他处理", ()),
                ("total_handled", "（七）总计", "三、本年度办理结果", ()),
                ("carried_forward", "四、结转下年度继续办理", None, ()),
            ),
        ),
        (
            "review_litigation",
            "四、政府信息公开行政复议、行政诉讼情况",
            (
                ("upheld", "结果维持"),
                ("corrected", "结果纠正"),
                ("other", "其他结果"),
                ("pending", "尚未审结"),
                ("total", "总计"),
            ),
            (
                ("review", "行政复议", None, ()),
                ("litigation_direct", "未经复议直接起诉", "行政诉讼", ()),
                ("litigation_after_review", "复议后起诉", "行政诉讼", ()),
            ),
        ),
    ),
}
# --- generated: end ---


def row_columns(table: TableForm, row: RowForm) -> tuple[str, ...]:
    """The column ids of a row, in template order."""
    return row[3] or tuple(c for c, _ in table[2])


def table_form(template: str | None, table: str) -> TableForm | None:
    """The form of a built-in template's table, or None for another template or table."""
    for form in FORMS.get(template or "", ()):
        if form[0] == table:
            return form
    return None


def _union() -> tuple[dict[str, list[tuple[str, str]]], dict[tuple[str, str, str], tuple[str, str]], dict[str, str]]:
    cells: dict[str, list[tuple[str, str]]] = {}
    labels: dict[tuple[str, str, str], tuple[str, str]] = {}
    headings: dict[str, str] = {}
    for template in BUILTIN_ORDER:
        for table in FORMS[template]:
            tid = table[0]
            headings.setdefault(tid, table[1])
            column_labels = dict(table[2])
            for row in table[3]:
                for column in row_columns(table, row):
                    if (tid, row[0], column) not in labels:
                        cells.setdefault(tid, []).append((row[0], column))
                        labels[(tid, row[0], column)] = (row[1], column_labels[column])
    return cells, labels, headings


# Every cell of the built-in templates in wide order, their labels (the first
# template's where both have the cell) and each table's heading.
UNION_CELLS, UNION_LABELS, UNION_HEADINGS = _union()
