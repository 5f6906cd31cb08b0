#!/usr/bin/python3
"""Writes the corpus files that reproduce the clerk trial's defects (a roster published wrong while the check said
it passed), with writers other than the project's own: plain Python for the CSV files (in the encodings Excel and
WPS save them) and LibreOffice for the workbooks (from a flat ODS written here). Needs only python3 and
libreoffice-calc-nogui:

    python3 test/roster/corpus/generate_clerk_trial.py

The files are committed, so tests and CI need neither. test/roster/clerk-trial.test.ts says what each must import to.
"""
import os
import subprocess
import tempfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
CGJ = '任丘市城市管理综合行政执法局'
HEADER = ['序号', '姓名', '性别', '身份证号', '单位', '证件编号', '岗位', '状态', '联系电话']


def person(i, name, cert):
    # The ID and phone numbers are made up (the ID's check digit is wrong on purpose).
    return [i, name, '男' if i % 2 else '女', '13098219900101%04d' % (1000 + i), CGJ, cert, '市容协管员', '在岗', 13800138000 + i]


def cell(c):
    if c is None or c == '':
        return '<table:table-cell/>'
    if isinstance(c, tuple) and c[0] == 'date':
        return ('<table:table-cell table:style-name="date" office:value-type="date" office:date-value="%s"><text:p>%s</text:p>'
                '</table:table-cell>' % (c[1], c[1]))
    if isinstance(c, (int, float)):
        return '<table:table-cell office:value-type="float" office:value="%s"><text:p>%s</text:p></table:table-cell>' % (c, c)
    return '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % escape(c)


def fods(path, sheets):
    """A flat ODS (LibreOffice's own XML) with several sheets: (name, rows, hidden)."""
    tables = ''.join(
        '<table:table table:name="%s" table:style-name="%s">' % (escape(name), 'hidden' if hidden else 'shown')
        + ''.join('<table:table-row>' + ''.join(cell(c) for c in r) + '</table:table-row>' for r in rows)
        + '</table:table>'
        for name, rows, hidden in sheets)
    with open(path, 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<office:document'
                ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
                ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
                ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"'
                ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
                ' xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"'
                ' office:mimetype="application/vnd.oasis.opendocument.spreadsheet">'
                '<office:automatic-styles>'
                '<style:style style:name="shown" style:family="table"><style:table-properties table:display="true"/></style:style>'
                '<style:style style:name="hidden" style:family="table"><style:table-properties table:display="false"/></style:style>'
                # A date column formatted the way Excel shows 2024-1 once it has made it a date.
                '<number:date-style style:name="ymd"><number:year number:style="long"/><number:text>-</number:text>'
                '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>'
                '<style:style style:name="date" style:family="table-cell" style:data-style-name="ymd"/>'
                '</office:automatic-styles><office:body><office:spreadsheet>' + tables
                + '</office:spreadsheet></office:body></office:document>\n')


def soffice(src, fmt, outdir):
    subprocess.run(['soffice', '--headless', '--norestore', '--convert-to', fmt, '--outdir', outdir, src],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def workbooks(tmp):
    # The people of one unit split over two visible sheets, one per squad: only the first was published.
    one = [HEADER] + [person(i, n, 'RQCG-2026-%04d' % i) for i, n in [(1, '王伟'), (2, '李芳'), (3, '张娜')]]
    two = [HEADER] + [person(i, n, 'RQCG-2026-%04d' % (10 + i)) for i, n in [(1, '刘敏'), (2, '陈静'), (3, '杨强')]]
    src = os.path.join(tmp, '两个工作表-libreoffice-2026-11-30.fods')
    fods(src, [('一中队', one, False), ('二中队', two, False)])
    soffice(src, 'xlsx', HERE)
    soffice(src, 'xls:MS Excel 97', HERE)

    # An instruction sheet first (as templates handed down by a higher office have), a hidden old list, then the list.
    notes = [['填表说明'], ['1. 证件编号按证件填写'], ['2. 状态写在职、离职、证件已收回等'], ['3. 不要改动表头']]
    old = [HEADER] + [person(1, '赵旧', 'OLD-0001')]
    names = [HEADER] + [person(i, n, 'RQCG-2026-%04d' % (20 + i)) for i, n in [(1, '周一'), (2, '吴二'), (3, '郑三')]]
    src = os.path.join(tmp, '说明在前-libreoffice-2026-11-30.fods')
    fods(src, [('填表说明', notes, False), ('旧名单', old, True), ('名单', names, False)])
    soffice(src, 'xlsx', HERE)

    # "2024-1" typed into a General column: Excel makes it the date 2024-01-01.
    rows = [HEADER] + [person(1, '孙一', 'RQCG-2026-0031'), person(2, '钱二', ('date', '2024-01-01')), person(3, '冯三', 'RQCG-2026-0033')]
    src = os.path.join(tmp, '编号成日期-libreoffice-2026-11-30.fods')
    fods(src, [('Sheet1', rows, False)])
    soffice(src, 'xlsx', HERE)


def write_csv(name, rows, encoding, errors='strict', bom=False):
    text = ''.join(','.join(str(c) for c in r) + '\r\n' for r in rows)
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write((b'\xef\xbb\xbf' if bom else b'') + text.encode(encoding, errors))


def csvs():
    # Excel's "CSV (逗号分隔)" on a Chinese Windows writes code page 936: a character outside GBK becomes "?".
    # 䶮 (U+4DAE) is in GB18030 but not in GBK; 𬌗 (U+2C317) is outside the BMP.
    write_csv('生僻字-cp936-2026-11-30.csv', [
        ['序号', '姓名', '单位', '证件编号', '状态'],
        [1, '刘䶮', CGJ, 'RQCG-2026-0041', '在岗'],
        [2, '王𬌗', CGJ, 'RQCG-2026-0042', '在岗'],
        [3, '张喆', CGJ, 'RQCG-2026-0043', '在岗'],
    ], 'gbk', errors='replace')
    # A staff number headed 编号 left of the real certificate number headed 执法证号.
    write_csv('工号与执法证号-2026-11-30.csv', [['序号', '编号', '姓名', '执法证号', '单位', '状态']]
              + [[i, '%03d' % i, n, 'RQCG-2026-%04d' % (50 + i), CGJ, '在岗'] for i, n in [(1, '王伟'), (2, '李芳'), (3, '张娜')]], 'gbk')
    # The same staff number next to a column headed 证件编号.
    write_csv('编号与证件编号-2026-11-30.csv', [['序号', '编号', '姓名', '证件编号', '单位', '状态']]
              + [[i, '%03d' % i, n, 'RQCG-2026-%04d' % (60 + i), CGJ, '在岗'] for i, n in [(1, '王伟'), (2, '李芳'), (3, '张娜')]], 'gbk')
    # Numbers as Word's and WPS's autocorrect write them: en and em dashes, hyphen, non-breaking hyphen, figure
    # dash, minus sign, small hyphen-minus (UTF-8 with BOM: Excel's "CSV UTF-8").
    dashes = ['\u2013', '\u2014', '\u2010', '\u2011', '\u2012', '\u2212', '\ufe63']
    write_csv('破折号-2026-11-30.csv', [['姓名', '单位', '证件编号', '状态']]
              + [['人员%d' % (i + 1), CGJ, 'RQJT%s2026%s%04d' % (d, d, 901 + i), '在岗'] for i, d in enumerate(dashes)], 'utf-8', bom=True)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        workbooks(tmp)
    csvs()


if __name__ == '__main__':
    main()
