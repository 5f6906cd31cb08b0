#!/usr/bin/python3
"""Writes the roster corpus: exports shaped the way offices save them, made by writers other than the project's
own (openpyxl, xlwt, LibreOffice, and plain Python for HTML and text exports). Run once with Debian's python3-openpyxl, python3-xlwt and
libreoffice-calc-nogui (and poppler-utils and fonts-wqy-microhei, for the picture in docs/ROSTERS.md) installed:

    /usr/bin/python3 test/roster/corpus/generate.py

The files are committed, so tests and CI need none of these programs. test/roster/corpus.test.ts says what each
file must import to.
"""
import csv
import datetime
import os
import shutil
import subprocess
import tempfile

import openpyxl
import xlwt
from openpyxl.styles import Alignment, Font

HERE = os.path.dirname(os.path.abspath(__file__))
CGJ = '任丘市城市管理综合行政执法局'
SCJG = '任丘市市场监督管理局'
TITLE = CGJ + '行政执法辅助人员花名册'
FILL_IN = '填报单位（盖章）：' + CGJ + '        填报日期：2022年11月1日'
HEADER = ['序号', '姓名', '性别', '身份证号', '证件编号', '岗位', '状态', '发证日期', '联系电话']
# (name, sex, ID, certificate number, post, status as the clerk typed it, issued on); the ID and phone are made up.
PEOPLE = [
    ('张伟', '男', '130982199001011235', 'HBFZ-130982-0019', '市容协管员', '在职', datetime.date(2022, 3, 1)),
    ('王芳', '女', '130982199202022346', 13098200019, '市容协管员', '正常', '2022.3.1'),
    ('李娜', '女', '130982199303033457', 130982202400001, '停车管理员', '已离职', 20220301),
    ('刘洋', '男', '130982199404044568', 'RQCG-0004', '市容协管员', '证件已收回', '2022年3月1日'),
    ('陈静', '女', '130982199505055679', 'RQCG-0005', '市容协管员', '证件收回', 44621),
    ('杨磊', '男', '130982199606066780', 'RQCG-0006', '市容协管员', '停岗', datetime.date(2021, 12, 1)),
    ('赵敏', '女', '13098219970707789X', 'RQCG-0007', '停车管理员', '已离职，证件已收回', datetime.date(2021, 12, 1)),
]
PHONES = ['13800138000', '13900139000', '13700137000', '13600136000', '13500135000', '13300133000', '18900189000']


def title_sheet(ws):
    """Title merged across, fill-in line, header on row 3, people, 合计, signatures, a blank row."""
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws['A1'].font = Font(size=16, bold=True)
    ws['A1'].alignment = Alignment(horizontal='center')
    ws.append([FILL_IN])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADER))
    ws.append(HEADER)
    for i, (name, sex, pid, cert, post, status, issued) in enumerate(PEOPLE):
        ws.append([i + 1, name, sex, pid, cert, post, status, issued, PHONES[i]])
        row = ws.max_row
        if isinstance(issued, datetime.date):
            ws.cell(row=row, column=8).number_format = 'yyyy-mm-dd'
    ws.append(['合计', '', '', '', '', '', '', '', '共 %d 人' % len(PEOPLE)])
    ws.append([])
    ws.append(['制表人：孙丽    审核人：周强    负责人：吴刚    联系电话：0317-2222222'])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(HEADER))
    for col, width in zip('ABCDEFGHI', [6, 10, 6, 22, 20, 14, 20, 14, 14]):
        ws.column_dimensions[col].width = width
    ws.page_setup.orientation = 'landscape'
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def openpyxl_title_footer(path):
    wb = openpyxl.Workbook()
    title_sheet(wb.active)
    wb.active.title = '花名册'
    wb.save(path)


def openpyxl_formulas(path):
    """Formulas written by a script: openpyxl stores no results (refused); LibreOffice's copy stores them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = '名单'
    ws.append(['姓名', '单位', '证件编号', '岗位', '状态'])
    ws.append(['张伟', CGJ, 'RQCG-0101', '=CONCATENATE("市容","协管员")', '在岗'])
    ws.append(['=CONCATENATE("王","芳")', CGJ, '="RQCG-"&TEXT(102,"0000")', '协管员', '在岗'])
    ws.append(['李娜', CGJ, 'RQCG-0103', '=UPPER("x")&"光检查员"', '=IF(1>0,"离职","在岗")'])
    wb.save(path)


def xlwt_merged_unit(path):
    """Excel 97-2003 .xls by xlwt: a 单位 cell merged down the rows of its people, numbers as numeric cells."""
    wb = xlwt.Workbook(encoding='utf-8')
    ws = wb.add_sheet('名单')
    ws.write_merge(0, 0, 0, 5, SCJG + '辅助人员名单（截至2022年10月31日）')
    for c, h in enumerate(['序号', '单位', '姓名', '证件编号', '状态', '有效期至']):
        ws.write(1, c, h)
    date_style = xlwt.easyxf(num_format_str='YYYY-MM-DD')
    zeros_style = xlwt.easyxf(num_format_str='00000000')
    rows = [
        ('赵刚', 1234, '在岗', datetime.date(2027, 6, 30), zeros_style),
        ('钱丽', 'SJ-0002', '暂停', datetime.date(2027, 6, 30), None),
        ('孙强', 'SJ-0003', '注销', datetime.date(2026, 1, 31), None),
        ('李明', 'SJ-0004', '作废', datetime.date(2026, 1, 31), None),
    ]
    ws.write_merge(2, 1 + len(rows), 1, 1, SCJG)
    for i, (name, cert, status, until, style) in enumerate(rows):
        r = 2 + i
        ws.write(r, 0, i + 1)
        ws.write(r, 2, name)
        if style is None:
            ws.write(r, 3, cert)
        else:
            ws.write(r, 3, cert, style)
        ws.write(r, 4, status)
        ws.write(r, 5, until, date_style)
    ws.write(2 + len(rows), 0, '小计')
    ws.write(3 + len(rows), 0, '审核人：')
    wb.save(path)


def csv_fill_in(path):
    """A CSV whose 单位 cells are blank: the fill-in line above the header names the unit (written by Python's csv)."""
    with open(path, 'w', encoding='gb18030', newline='') as f:
        w = csv.writer(f)
        w.writerow(['填报单位：' + SCJG, '', '填报日期：2022年11月1日', '', ''])
        w.writerow(['姓名', '单位', '证件编号', '状态', '备注'])
        w.writerow(['周杰', '', 'SJ-0101', '在岗', ''])
        w.writerow(['吴敏', SCJG, 'SJ-0102', '退休', ''])
        w.writerow(['郑洁', '', 'SJ-0103', '辞职', ''])
        w.writerow(['合计：3人', '', '', '', ''])


def csv_status_words(path):
    """Status words a clerk might type that must not be guessed: negations, two statuses, unknown words."""
    with open(path, 'w', encoding='utf-8-sig', newline='') as f:
        w = csv.writer(f)
        w.writerow(['姓名', '单位', '证件编号', '状态'])
        for i, word in enumerate(['不在岗', '未收回', '非在职', '在岗，已离职', '休假', '离职(证件未收回)', '在 岗', '辞退/收回']):
            w.writerow(['人员%d' % (i + 1), CGJ, 'ST-%04d' % (i + 1), word])


# The agencies of the sample registry (content/agencies.yaml) that the files below name; corpus.test.ts adds them
# to its registry. These files began as reproductions of import defects and are kept as they were made then.
STHJ = '沧州市生态环境局任丘市分局'
NYNC = '任丘市农业农村局'


def fods(path, rows):
    """A one-sheet flat ODS (LibreOffice's own XML) with merged ranges: a cell is a string, a number, None (empty),
    COVERED (a cell inside a merged range) or {'v': value, 'rows': n, 'cols': n} (the first cell of a range)."""
    from xml.sax.saxutils import escape

    def cell(c):
        if c is None:
            return '<table:table-cell/>'
        if c is COVERED:
            return '<table:covered-table-cell/>'
        span = ''
        if isinstance(c, dict):
            span = ' table:number-rows-spanned="%d" table:number-columns-spanned="%d"' % (c.get('rows', 1), c.get('cols', 1))
            c = c['v']
        if isinstance(c, datetime.date):
            return ('<table:table-cell table:style-name="date" office:value-type="date" office:date-value="%s"%s><text:p>%s</text:p>'
                    '</table:table-cell>' % (c.isoformat(), span, c.isoformat()))
        if isinstance(c, (int, float)):
            return '<table:table-cell office:value-type="float" office:value="%s"%s><text:p>%s</text:p></table:table-cell>' % (c, span, c)
        return '<table:table-cell office:value-type="string"%s><text:p>%s</text:p></table:table-cell>' % (span, escape(c))

    body = ''.join('<table:table-row>' + ''.join(cell(c) for c in r) + '</table:table-row>' for r in rows)
    with open(path, 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<office:document'
                ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
                ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
                ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"'
                ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
                ' xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"'
                ' office:mimetype="application/vnd.oasis.opendocument.spreadsheet">'
                # Date cells shown as 2021-12-01, as a clerk formats a date column.
                '<office:automatic-styles><number:date-style style:name="iso"><number:year number:style="long"/><number:text>-</number:text>'
                '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>'
                '<style:style style:name="date" style:family="table-cell" style:data-style-name="iso"/></office:automatic-styles>'
                '<office:body><office:spreadsheet>'
                '<table:table table:name="花名册">' + body + '</table:table></office:spreadsheet></office:body></office:document>\n')


COVERED = object()


def libreoffice_merged(tmp):
    """Merged cells as LibreOffice (and Excel, for a bordered table) save them: every covered cell is stored, empty.
    单位 merged down rows 3-4 and 5-6, 状态「已离职」 over rows 4-6, 有效期至 over rows 3-6."""
    src = os.path.join(tmp, '合并单元格-libreoffice.fods')
    fods(src, [
        [{'v': '填报单位：' + STHJ, 'cols': 3}, COVERED, COVERED, None, '填报日期：2026年11月1日', None],
        ['序号', '姓名', '单位', '证件编号', '状态', '有效期至'],
        [1, '张三', {'v': STHJ, 'rows': 2}, 'RQ-G-0001', '在岗', {'v': '2027-06-30', 'rows': 4}],
        [2, '李四', COVERED, 'RQ-G-0002', {'v': '已离职', 'rows': 3}, COVERED],
        [3, '王五', {'v': NYNC, 'rows': 2}, 'RQ-G-0003', COVERED, COVERED],
        [4, '赵六', COVERED, 'RQ-G-0004', COVERED, COVERED],
    ])
    soffice(src, 'xlsx', HERE)
    soffice(src, 'xls:MS Excel 97', HERE)


def libreoffice_two_row_header(tmp):
    """A header written over two rows, saved by LibreOffice: 序号, 姓名, 单位, 证件编号 and 状态 each merged down rows 1-2,
    证件有效期 merged across two columns with 发证日期 and 有效期至 under it on row 2; the people from row 3 (张三's
    certificate expired on 2024-01-01). Row 1 alone names 姓名 and 证件编号, so it was taken for the whole header and
    both dates were lost; the covered cells of row 2 read as their merged values, so row 2 names every column."""
    src = os.path.join(tmp, '两行表头-libreoffice-2026-11-01.fods')
    fods(src, [
        [{'v': '序号', 'rows': 2}, {'v': '姓名', 'rows': 2}, {'v': '单位', 'rows': 2}, {'v': '证件编号', 'rows': 2},
         {'v': '证件有效期', 'cols': 2}, COVERED, {'v': '状态', 'rows': 2}],
        [COVERED, COVERED, COVERED, COVERED, '发证日期', '有效期至', COVERED],
        [1, '张三', STHJ, 'RQ-M-0001', '2019/1/1', '2024/1/1', '在岗'],
        [2, '李四', STHJ, 'RQ-M-0002', '2021/12/1', '2026/11/30', '在岗'],
    ])
    soffice(src, 'xlsx', HERE)


def libreoffice_unread_header(tmp):
    """An export whose header is not recognized (人员姓名, 执法证号), saved by LibreOffice with date cells, a phone stored
    as a number and text private numbers: the rows looked at must show the dates and certificate numbers, and hide
    every ID, phone, bank-card number and birth date. The ID, phone and card numbers are made up; the one in 备注 has
    a birth date that does not exist (1990-13-01), so only its length gives it away."""
    src = os.path.join(tmp, '表头认不出-libreoffice.fods')
    d = datetime.date
    fods(src, [
        [{'v': CGJ + '辅助人员名单', 'cols': 13}] + [COVERED] * 12,
        ['序号', '人员姓名', '性别', '出生日期', '身份证号码', '手机', '工资卡', '执法证号', '发证时间', '有效期至', '状态日期', '状态', '备注'],
        [1, '张伟', '男', d(1990, 1, 1), '130982199001011235', 13800138000, '6222021234567890123', 'XXCG-2024-001',
         d(2024, 3, 1), d(2029, 2, 28), d(2026, 10, 8), '在岗', '0317-2222222'],
        [2, '王芳', '女', d(1992, 2, 2), '130982 1992 0202 2346', '+86 139 0013 9001', '6217 0000 1234 5678', 'RQCG-2024-0001',
         '2024年3月1日', '2029.2.28', 20261008, '已离职', '130982199013011234'],
        [3, '李娜', '女', d(1993, 3, 3), '13098219930303345X', '137-0013-7002', '6228480402564890018', 'HBFZ-130982-0019',
         '2024/3/1', '2029-02-28 00:00:00', '', '在岗', '联系电话：2222222'],
    ])
    soffice(src, 'xlsx', HERE)


HTML_ROWS = [
    ['姓名', '单位', '证件编号', '状态', '发证日期', '有效期至'],
    ['张三', 'renqiu-sthj', '00001234', '在岗', '2021/12/1', '2026/12/1'],
    ['李四', 'renqiu-sthj', '2021-0001', '在岗', '2021/12/1', '2026/12/1'],
    ['王五', 'renqiu-sthj', '2021-0002', '在岗', '2021/12/1', '2026/12/1'],
]


def html_tables():
    """HTML tables saved as .xls, as many systems export and Excel saves a "web page": UTF-8 with the cells styled
    as text (mso-number-format), and GBK declared as charset=gb2312. Every value reads as text a reader would
    otherwise take for a number or a date."""
    table = '<table border="1">' + ''.join('<tr>' + ''.join('<td>%s</td>' % c for c in r) + '</tr>' for r in HTML_ROWS) + '</table>'
    with open(os.path.join(HERE, '网页表格-utf8-2026-11-01.xls'), 'w', encoding='utf-8') as f:
        f.write('<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
                '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
                '<style>td{mso-number-format:"\\@";}</style></head><body>' + table + '</body></html>')
    with open(os.path.join(HERE, '网页表格-gbk-2026-11-01.xls'), 'wb') as f:
        f.write(('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
                 + table + '</body></html>').encode('gbk'))


def csv_control_characters(path):
    """Names with a right-to-left override, a replacement character and a BEL (refused), and the zero-width
    characters, BOM and soft hyphen that come with text pasted from web pages in names and certificate numbers
    (dropped)."""
    rows = [
        ['姓名', '单位', '证件编号'],
        ['\u202e三李', 'renqiu-sthj', 'RQ-Z-0002'],
        ['王\ufffd五', 'renqiu-sthj', 'RQ-Z-0003'],
        ['赵\x07六\u200b', 'renqiu-sthj', 'RQ-Z-0004'],
        ['\ufeff孙\u200b七', 'renqiu-sthj', 'RQ-Z-\u00ad0005'],
        ['周\u2060八\u200c', 'renqiu-sthj', 'RQ\u200d-Z-0006'],
    ]
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write(''.join(','.join(r) + '\r\n' for r in rows))


def unicode_text(path):
    """Excel's "Save as Unicode text": UTF-16LE with a BOM, tab-separated, CRLF; a header holds an ASCII comma."""
    lines = [['姓名', '单位', '证件编号', '备注(如有,请写)'], ['张三', 'renqiu-sthj', 'RQ-U-0001', ''], ['李四', 'renqiu-sthj', 'RQ-U-0002', '']]
    with open(path, 'wb') as f:
        f.write(b'\xff\xfe' + '\r\n'.join('\t'.join(line) for line in lines).encode('utf-16-le') + b'\r\n')


def soffice(src, fmt, outdir):
    subprocess.run(['soffice', '--headless', '--norestore', '--convert-to', fmt, '--outdir', outdir, src],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    tmp = tempfile.mkdtemp()
    try:
        # The title/fill-in/footer sheet from three writers: openpyxl, LibreOffice (.xlsx and .xls).
        openpyxl_title_footer(os.path.join(HERE, '城管局花名册-openpyxl.xlsx'))
        shutil.copy(os.path.join(HERE, '城管局花名册-openpyxl.xlsx'), os.path.join(tmp, '城管局花名册-libreoffice.xlsx'))
        soffice(os.path.join(tmp, '城管局花名册-libreoffice.xlsx'), 'xls', HERE)
        soffice(os.path.join(tmp, '城管局花名册-libreoffice.xlsx'), 'xlsx:Calc MS Excel 2007 XML', os.path.join(tmp, 'lo'))
        shutil.copy(os.path.join(tmp, 'lo', '城管局花名册-libreoffice.xlsx'), os.path.join(HERE, '城管局花名册-libreoffice.xlsx'))
        # WPS .et is a BIFF8 compound file; no WPS is available here, so the LibreOffice .xls stands in for it.
        shutil.copy(os.path.join(HERE, '城管局花名册-libreoffice.xls'), os.path.join(HERE, '城管局花名册-wps.et'))
        # The same sheet whose file name carries another date than the sheet's fill-in line.
        shutil.copy(os.path.join(HERE, '城管局花名册-openpyxl.xlsx'), os.path.join(HERE, '城管局花名册-2022-10-15.xlsx'))

        openpyxl_formulas(os.path.join(HERE, '公式-openpyxl-2022-11-01.xlsx'))
        os.makedirs(os.path.join(tmp, 'f'), exist_ok=True)
        shutil.copy(os.path.join(HERE, '公式-openpyxl-2022-11-01.xlsx'), os.path.join(tmp, 'f', '公式-libreoffice-2022-11-01.xlsx'))
        soffice(os.path.join(tmp, 'f', '公式-libreoffice-2022-11-01.xlsx'), 'xlsx:Calc MS Excel 2007 XML', os.path.join(tmp, 'f', 'out'))
        shutil.copy(os.path.join(tmp, 'f', 'out', '公式-libreoffice-2022-11-01.xlsx'), os.path.join(HERE, '公式-libreoffice-2022-11-01.xlsx'))

        xlwt_merged_unit(os.path.join(HERE, '市场监管局-xlwt.xls'))
        csv_fill_in(os.path.join(HERE, '市场监管局-填报单位.csv'))
        csv_status_words(os.path.join(HERE, '状态写法-2022-11-01.csv'))

        libreoffice_merged(tmp)
        libreoffice_two_row_header(tmp)
        libreoffice_unread_header(tmp)
        html_tables()
        csv_control_characters(os.path.join(HERE, '控制字符-2026-11-01.csv'))
        unicode_text(os.path.join(HERE, 'Unicode文本-2026-11-01.csv'))

        # The picture of a sheet for docs/ROSTERS.md.
        images = os.path.join(HERE, '..', '..', '..', 'docs', 'images')
        os.makedirs(images, exist_ok=True)
        # LibreOffice without a GUI exports no images: print the sheet to PDF, then rasterize it (poppler-utils).
        soffice(os.path.join(HERE, '城管局花名册-openpyxl.xlsx'), 'pdf', tmp)
        subprocess.run(['pdftoppm', '-png', '-r', '110', '-singlefile', '-x', '60', '-y', '60', '-W', '1100', '-H', '330',
                        os.path.join(tmp, '城管局花名册-openpyxl.pdf'),
                        os.path.join(images, 'roster-title-footer')], check=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
