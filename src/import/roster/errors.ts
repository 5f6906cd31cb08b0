import type { ErrorData } from '../../core/error-data.ts';

/** An entry whose wording differs in the publishing workspace (problems.ts placed). */
export interface PlacedErrorData extends ErrorData {
  /** Replaces `hint` there: the fix, made in the uploaded file itself. */
  workspaceHint?: string;
  /**
   * Replaces `message` there, called with the message's arguments: what is wrong reads differently where the file is
   * uploaded by a signed-in agency (the agency the importer is given is that agency, not a mapping file's).
   */
  workspaceMessage?: ErrorData['message'];
  /** There, each such problem is said on its own line, never grouped (RosterProblem.each): each names a person to act on. */
  workspaceEach?: true;
}

/**
 * Every problem a clerk sees when a roster is checked (`npm run roster:check`, the build, the publishing
 * workspace), one entry each: `message` says what is wrong, `hint` how to fix it in Excel or WPS. The text a
 * problem carries is `withHint(entry, …)`; file, row, column and value are added around it by formatProblem.
 * Where the fix depends on where the clerk is — the Git content folder takes a mapping file next to the roster, the
 * publishing workspace takes one uploaded file and nothing else — the entry has a `workspaceHint` too, and the
 * problem carries both texts (`placed(entry, …)` in problems.ts); what is shown is chosen where it is shown. Where
 * what is wrong itself reads differently there, the entry has a `workspaceMessage` (AgencyMismatch): the workspace's
 * wording lives here too, never made by rewriting the other text.
 */
const SAVE_AS_XLSX = '请在 Excel 或 WPS 中打开后另存为 .xlsx';
const SAVE_AS_CSV_UTF8 = '请在 Excel 中另存为“CSV UTF-8”后再放入';
const REENTER_AS_TEXT = '请把该列设为“文本”、重新填入编号';
const BEYOND_LIMITS = '，超出了允许的范围（可能是损坏的文件或“压缩炸弹”），未读取。';
const RESAVE = '请在 Excel 或 WPS 中打开后重新另存为 .xlsx，或另存为 CSV';
/** Excel's 另存为 → Unicode 文本 writes UTF-16 tab-separated text named .txt, which reads as a CSV once renamed. */
const UNICODE_TEXT = 'Excel“另存为 → Unicode 文本”得到的就是 .txt 文件：把扩展名改为 .csv';
const RESAVE_FOR_UPLOAD = '；也可以在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx';

export const rosterErrors = {
  // Reading the file
  FileUnreadable: {
    name: 'FileUnreadable',
    title: '无法读取文件',
    message: (detail: string) => `无法读取文件：${detail}`,
    hint: '请确认文件没有在 Excel 或 WPS 中打开着，再重新放入',
  },
  EmptyFile: { name: 'EmptyFile', title: '文件为空', message: '文件为空', hint: '请在 Excel 或 WPS 中打开原表，确认有内容后重新导出' },
  UnsupportedType: {
    name: 'UnsupportedType',
    title: '不支持的文件类型',
    message: '不支持的文件类型',
    hint: '名单应为 .csv、.xlsx、.xls 或 .et 文件',
  },
  UploadType: {
    name: 'UploadType',
    title: '不是名单导出文件',
    message: '只能上传名单导出文件：.csv、.xlsx、.xls 或 .et',
    hint: '请在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后上传',
  },
  TextExport: {
    name: 'TextExport',
    title: '文本文件',
    message: '这是文本文件（.txt），名单应为 .csv、.xlsx、.xls 或 .et 文件',
    hint: `${UNICODE_TEXT} 后放入即可${RESAVE_FOR_UPLOAD}`,
    workspaceHint: `${UNICODE_TEXT} 后重新上传即可${RESAVE_FOR_UPLOAD}后上传`,
  },
  XlsxTruncated: {
    name: 'XlsxTruncated',
    title: '文件已损坏',
    message: '无法读取 .xlsx 文件：文件不完整或已损坏',
    hint: SAVE_AS_XLSX,
  },
  NotXlsx: {
    name: 'NotXlsx',
    title: '不是 XLSX 工作簿',
    message: '文件内容不是 XLSX 工作簿（可能是改了扩展名的 CSV 或其他文件）',
    hint: SAVE_AS_XLSX,
  },
  NotWorkbook: {
    name: 'NotWorkbook',
    title: '不是工作簿',
    message: (extension: string) => `文件内容不是 .${extension} 工作簿（可能是改了扩展名的 CSV 或文本文件）`,
    hint: SAVE_AS_XLSX,
  },
  WorkbookTruncated: {
    name: 'WorkbookTruncated',
    title: '文件已损坏',
    message: (extension: string) => `无法读取 .${extension} 文件：文件不完整或已损坏`,
    hint: SAVE_AS_XLSX,
  },
  XlsxNamedCsv: { name: 'XlsxNamedCsv', title: '扩展名不对', message: '这是 XLSX 工作簿，扩展名却是 .csv', hint: '请把扩展名改为 .xlsx' },
  XlsNamedCsv: {
    name: 'XlsNamedCsv',
    title: '扩展名不对',
    message: '这是 Excel 二进制工作簿（.xls 或加密文件），扩展名却是 .csv',
    hint: '请把扩展名改为 .xls',
  },
  SheetOnCsv: {
    name: 'SheetOnCsv',
    title: '映射文件的 sheet 用不上',
    message: '映射文件中的 sheet 只适用于工作簿（.xlsx、.xls、.et）',
    hint: '请从映射文件中删去 sheet 这一行',
  },
  WorkbookBroken: {
    name: 'WorkbookBroken',
    title: '文件已损坏',
    message: (label: string) => `无法读取 ${label} 文件：文件已损坏或格式不对，`,
    hint: SAVE_AS_XLSX,
  },
  WorkbookPassword: {
    name: 'WorkbookPassword',
    title: '工作簿有密码',
    message: '这是设置了打开密码的工作簿',
    hint: '请在 Excel 或 WPS 中取消密码后再放入',
    workspaceHint: '请在 Excel 或 WPS 中取消密码后重新上传',
  },
  NoSheets: { name: 'NoSheets', title: '没有工作表', message: '工作簿中没有工作表', hint: '请在 Excel 或 WPS 中确认名单在工作簿里后重新保存' },
  SheetMissing: {
    name: 'SheetMissing',
    title: '找不到工作表',
    message: (sheet: string, names: readonly string[]) => `工作簿中没有名为「${sheet}」的工作表（已有：${names.join('、')}）`,
    hint: '请把映射文件中的 sheet 改成上面已有的一个工作表名',
  },
  ZipStructure: {
    name: 'ZipStructure',
    title: '文件已损坏',
    message: '无法读取文件：文件已损坏或不是有效的工作簿（压缩包结构错误）',
    hint: SAVE_AS_XLSX,
  },
  ZipData: { name: 'ZipData', title: '文件已损坏', message: '无法读取文件：文件已损坏（压缩数据错误）', hint: SAVE_AS_XLSX },
  ZipSizeMismatch: {
    name: 'ZipSizeMismatch',
    title: '文件已损坏',
    message: '无法读取文件：文件已损坏（压缩数据与目录中记录的大小不符）',
    hint: SAVE_AS_XLSX,
  },
  ZipTooManyEntries: {
    name: 'ZipTooManyEntries',
    title: '文件异常',
    message: (count: number, max: number) => `文件异常：压缩包中有 ${count} 个文件（最多 ${max} 个）${BEYOND_LIMITS}`,
    hint: RESAVE,
  },
  ZipTooLarge: {
    name: 'ZipTooLarge',
    title: '文件异常',
    message: (megabytes: number) => `文件异常：解压后超过 ${megabytes} MB（本平台的上限）${BEYOND_LIMITS}`,
    hint: RESAVE,
  },
  ZipSheetsTooLarge: {
    name: 'ZipSheetsTooLarge',
    title: '文件异常',
    message: (megabytes: number, rows: number) =>
      `文件异常：工作表解压后超过 ${megabytes} MB（本平台的上限：一份名单最多按 ${rows.toLocaleString('en-US')} 行、每行约 1 KB 计）${BEYOND_LIMITS}`,
    hint: `${RESAVE}；名单确实这么长时，请按单位分成几个文件`,
  },
  ZipSharedStringsTooLarge: {
    name: 'ZipSharedStringsTooLarge',
    title: '文件异常',
    message: (megabytes: number, rows: number) =>
      `文件异常：工作簿中的文字（sharedStrings.xml）解压后超过 ${megabytes} MB（本平台的上限：一份名单最多按 ${rows.toLocaleString('en-US')} 行、每行约 0.5 KB 计）${BEYOND_LIMITS}`,
    hint: RESAVE,
  },
  ZipRatio: {
    name: 'ZipRatio',
    title: '文件异常',
    message: (entry: string, ratio: number) => `文件异常：其中的「${entry}」压缩比超过 ${ratio}:1${BEYOND_LIMITS}`,
    hint: RESAVE,
  },
  UnknownEncoding: {
    name: 'UnknownEncoding',
    title: '无法识别文件编码',
    message: '无法识别文件编码：既不是 UTF-8 也不是 GB18030/GBK，',
    hint: '请在 Excel 中另存为“CSV UTF-8”或 XLSX',
  },
  InvalidEncoding: {
    name: 'InvalidEncoding',
    title: '编码无效',
    message: (encoding: string) => `文件不是有效的 ${encoding} 编码`,
    hint: SAVE_AS_CSV_UTF8,
  },
  MixedEncoding: {
    name: 'MixedEncoding',
    title: '混入了其他编码',
    message: (bad: number, line: number) => `文件是 UTF-8 编码，但有 ${bad} 处无效字节（第一处在文本第 ${line} 行），可能混入了其他编码的文字`,
    hint: SAVE_AS_CSV_UTF8,
  },
  CsvQuoteNotClosed: {
    name: 'CsvQuoteNotClosed',
    title: 'CSV 格式错误',
    message: 'CSV 格式错误：从这一行开始的引号没有闭合（可能是单元格中多了一个英文双引号 "）',
    hint: '请在 Excel 或 WPS 中打开、改正这一行后另存为“CSV UTF-8”',
  },
  CsvBadQuotes: {
    name: 'CsvBadQuotes',
    title: 'CSV 格式错误',
    message: 'CSV 格式错误：引号使用不正确（带引号的单元格应整格用英文双引号括起，格内的双引号写成两个 ""）',
    hint: '请在 Excel 或 WPS 中打开、改正这一行后另存为“CSV UTF-8”',
  },

  // Mapping files
  MappingUnreadable: {
    name: 'MappingUnreadable',
    title: '无法读取映射文件',
    message: (detail: string) => `无法读取映射文件：${detail}`,
  },
  MappingNotYaml: {
    name: 'MappingNotYaml',
    title: '映射文件格式错误',
    message: (detail: string) => `映射文件不是有效的 YAML：${detail}`,
  },
  MappingNotAMap: {
    name: 'MappingNotAMap',
    title: '映射文件格式错误',
    message: (keys: readonly string[]) => `映射文件应是由 ${keys.join('、')} 组成的 YAML 映射`,
  },
  MappingHeaderRow: { name: 'MappingHeaderRow', title: 'headerRow 不对', message: 'headerRow 应为正整数（表头所在的行号）' },
  MappingHeaderEmpty: { name: 'MappingHeaderEmpty', title: '表头为空', message: '表头不能为空' },
  MappingFieldUnknown: {
    name: 'MappingFieldUnknown',
    title: '字段名不对',
    message: (fields: readonly string[]) => `字段名应为以下之一：${fields.join(', ')}`,
  },
  MappingSheetEmpty: { name: 'MappingSheetEmpty', title: '工作表名为空', message: '工作表名不能为空' },
  MappingWithoutRoster: {
    name: 'MappingWithoutRoster',
    title: '映射文件没有对应的名单',
    message: '映射文件没有同名的名单文件，不会被使用',
    hint: '映射文件应与名单同名，如 城管局-2026-11-01.xlsx 对应 城管局-2026-11-01.mapping.yaml',
  },
  MappingPrivateColumn: {
    name: 'MappingPrivateColumn',
    title: '不能公开的列',
    message: (header: string, field: string) => `columns：「${header}」是个人隐私，不能公开，不能指定为 ${field}`,
    hint: '请从映射文件中删去这一行',
  },
  MappingAgencyUnknown: {
    name: 'MappingAgencyUnknown',
    title: '映射文件的单位不存在',
    message: 'agency：在 agencies.yaml 中没有这个 id',
    hint: '请照 agencies.yaml 中该机关的 id 填写',
  },
  MappingHeaderRowEmpty: {
    name: 'MappingHeaderRowEmpty',
    title: '映射文件指定的表头行是空的',
    message: (row: number) => `映射文件指定的表头行第 ${row} 行是空的`,
    hint: '请在 Excel 或 WPS 中看清表头在第几行，改正映射文件的 headerRow',
  },
  MappingHeaderMissing: {
    name: 'MappingHeaderMissing',
    title: '映射文件中的表头找不到',
    message: (header: string) => `映射文件 columns 中的表头「${header}」在这一行中找不到`,
    hint: '映射文件中的表头须与 Excel 中表头单元格的文字完全一致',
  },

  // The header row and the sheet as a whole
  NoContent: {
    name: 'NoContent',
    title: '文件没有内容',
    message: '文件中没有任何内容（找不到表头行）',
    hint: '请在 Excel 或 WPS 中确认名单在第一个工作表中，或在映射文件中用 sheet 指定工作表',
    workspaceHint: '请在 Excel 或 WPS 中把名单工作表移到最前（或删去其他工作表；隐藏的工作表不读取），保存后重新上传',
  },
  NoHeaderRow: {
    name: 'NoHeaderRow',
    title: '找不到表头行',
    message: (rows: number, sheet?: string, others: readonly string[] = []) =>
      sheet === undefined
        ? `在前 ${rows} 行中没有找到表头行`
        : `工作表「${sheet}」的前 ${rows} 行中没有找到表头行${others.length ? `（其他工作表${others.map((o) => `「${o}」`).join('')}中也没有）` : ''}`,
    hint: '表头行须同时有「姓名」和「证件编号」两列（查看过的行、认得的表头和可以照着改的映射文件见检查结果中该文件下方）',
    workspaceHint:
      '表头行须同时有「姓名」和「证件编号」两列（查看过的行和认得的表头见下方“读取情况”）：请在 Excel 或 WPS 中把表头改成认得的写法，保存后重新上传',
  },
  SeveralRosterSheets: {
    name: 'SeveralRosterSheets',
    title: '几个工作表都有名单',
    message: (sheets: readonly string[]) =>
      `工作簿中有 ${sheets.length} 个工作表都有名单表头（同时有「姓名」和「证件编号」列）：${sheets.map((s) => `「${s}」`).join('')}；只能读一个工作表，其余工作表的人员就不会公开，所以未读取。`,
    hint: '请把这几个工作表的人员合并到一个工作表中（不需要公开的工作表可以删去或隐藏），保存后重新上传或检查；放在 content/rosters/ 中的名单也可以在映射文件中用 sheet 指定只读哪一个工作表（如 sheet: 一中队），其余工作表另存为单独的文件',
    // The workspace takes no mapping file (no `sheet:`): the workbook itself is changed.
    workspaceHint: '请把这几个工作表的人员合并到一个工作表中，不需要公开的工作表删去或隐藏，保存后重新上传',
  },
  NoDataRows: {
    name: 'NoDataRows',
    title: '没有人员数据',
    message: '表头下面没有任何人员数据',
    hint: '请在表头下面逐行填写人员，或检查是否选错了工作表',
  },
  DuplicateColumn: {
    name: 'DuplicateColumn',
    title: '同一列出现两次',
    message: (earlier: string, field: string) => `与 ${earlier}都是「${field}」列，只能保留一列`,
    hint: '请在 Excel 或 WPS 中删去其中一列，或在映射文件中改指其他列',
    workspaceHint: '请在 Excel 或 WPS 中删去其中一列后重新上传',
  },
  MissingColumn: {
    name: 'MissingColumn',
    title: '缺少必需的列',
    message: (field: string, aliases: string, agencyOption: boolean) =>
      `缺少必需的「${field}」列：表头应为${aliases}之一，或在映射文件 columns 中指定${agencyOption ? '；或在映射文件中用 agency 指定全部人员所属的单位' : ''}`,
  },
  WeakCertificateColumn: {
    name: 'WeakCertificateColumn',
    title: '「编号」可能不是证件编号',
    message: (other: string) => `这一列会被当作证件编号，但 ${other}像是证件编号列（「编号」常是工号、序号）；为免把别的号码当作证件编号公开，未读取。`,
    hint: '哪一列是证件编号，就把它的表头改为「证件编号」（另一列随即丢弃、不公开）；或在映射文件 columns 中写明，如 "执法证号": certificateNo',
    workspaceHint: '哪一列是证件编号，就在 Excel 或 WPS 中把它的表头改为「证件编号」（另一列随即丢弃、不公开），保存后重新上传',
  },
  MissingColumnInFile: {
    name: 'MissingColumnInFile',
    title: '缺少必需的列',
    message: (field: string, aliases: string, column: string | undefined) =>
      `缺少必需的「${field}」列：表头应为${aliases}之一：${
        column ? `请把${column}改为「${field}」` : `请在表头行中把这一列的表头改为「${field}」（没有这一列的，请补上）`
      }，保存后重新上传`,
  },
  LookalikeColumn: {
    name: 'LookalikeColumn',
    title: '像是这一列',
    message: (column: string) => `（${column}像是这一列，但表头须与上述写法完全一致）`,
  },
  SheetAgencyUnknown: {
    name: 'SheetAgencyUnknown',
    title: '表头上方的单位找不到',
    message: '表中没有「单位」列，表头上方写的单位在 agencies.yaml 中找不到',
    hint: '请写机关的完整名称，或在映射文件中用 agency 写明机关 id',
  },
  NoAsOf: {
    name: 'NoAsOf',
    title: '无法确定名单日期',
    message: '无法确定名单日期',
    hint: '请在表头上方写明“填报日期：2026年11月1日”，或在文件名中写上日期（如 城管局-2026-11-01.csv），或在映射文件中写 asOf: 2026-11-01',
    workspaceHint: '请在文件名或表头上方写上填报日期（如把文件改名为 城管局-2026-11-01.xlsx，或在表头上方一行写“填报日期：2026年11月1日”），保存后重新上传',
  },
  FileNameDateNotReal: {
    name: 'FileNameDateNotReal',
    title: '文件名中的日期不存在',
    message: (text: string) => `无法确定名单日期：文件名中的日期「${text}」不存在（月份或日期超出范围）`,
    hint: '请改正文件名中的日期（如 城管局-2026-11-01.csv），或在表头上方写明“填报日期：2026年11月1日”',
    workspaceHint: '请改正文件名中的日期（如 城管局-2026-11-01.xlsx）后重新上传，或在表头上方写明“填报日期：2026年11月1日”',
  },
  AsOfInFuture: {
    name: 'AsOfInFuture',
    title: '名单日期晚于今天',
    message: (date: string, where: string, today: string, days: number, max: number) =>
      `名单日期 ${date}（取自${where}）比今天（${today}）晚 ${days} 天；名单日期最多只能比今天晚 ${max} 天（本平台的数据检查规则，不是法规的要求）`,
    hint: '多半是年份或月份写错了（如把 2026 写成了 2062），请改正；提前准备好的名单，请等到离名单日期不超过这个天数时再放入或上传',
  },

  // One row
  CellNoCachedValue: {
    name: 'CellNoCachedValue',
    title: '公式没有计算结果',
    message: (ref: string) => `单元格 ${ref} 是公式，但文件里没有保存计算结果（由程序生成的文件常见）`,
    hint: '请在 Excel 或 WPS 中打开这个文件、保存一次后再放入',
  },
  CellExternalLink: {
    name: 'CellExternalLink',
    title: '公式引用了其他文件',
    message: (ref: string) => `单元格 ${ref} 的公式引用了另一个文件，这样的值不会公开`,
    hint: '请把该列“选择性粘贴 → 数值”后再导出',
  },
  CellErrorValue: {
    name: 'CellErrorValue',
    title: '单元格是错误值',
    message: (ref: string) => `单元格 ${ref} 的值是错误值（如 #N/A、#REF!）`,
    hint: '请改正公式或填入内容',
  },
  PrivateNumber: {
    name: 'PrivateNumber',
    title: '含有个人号码',
    message: (field: string, kind: string) => `${field}中含有${kind}，不能公开（此处不引用原值）`,
    hint: '请在 Excel 或 WPS 中把号码从这一格删去',
  },
  ControlCharacter: {
    name: 'ControlCharacter',
    title: '含有控制字符',
    message: (field: string, character: string) => `${field}中含有${character}，不能公开（此处不引用原值）`,
    hint: '请在 Excel 或 WPS 中删去这一格的内容，照原始记录重新输入（不要从网页、聊天软件或乱码的文件中复制）',
  },
  FilePath: {
    name: 'FilePath',
    title: '含有文件路径',
    message: (field: string) => `${field}中含有电脑上的文件路径，不能公开（此处不引用原值）`,
  },
  TooLong: {
    name: 'TooLong',
    title: '内容过长',
    message: (field: string, length: number, max: number) => `${field}过长：${length} 个字符，最多 ${max} 个`,
    hint: '请删去多余的文字（备注不要写进这一列）',
  },
  NameEmpty: { name: 'NameEmpty', title: '姓名为空', message: '姓名为空', hint: '请填上姓名；不是人员的行（如说明文字）请删去' },
  CertificateEmpty: {
    name: 'CertificateEmpty',
    title: '证件编号为空',
    message: '证件编号为空',
    hint: '请照证件填上编号；还没有证件的人员不列入名单',
  },
  CertificateScientific: {
    name: 'CertificateScientific',
    title: '编号成了科学计数法',
    message: '证件编号被 Excel 写成了科学计数法，原号码已经丢失',
    hint: `${REENTER_AS_TEXT}后再导出`,
  },
  CertificateLongNumber: {
    name: 'CertificateLongNumber',
    title: '编号存成了数字',
    message: '证件编号在 Excel 中存成了数字，超过 15 位的数字会丢失末尾几位',
    hint: REENTER_AS_TEXT,
  },
  CertificateIsDate: {
    name: 'CertificateIsDate',
    title: '编号成了日期',
    message: '证件编号单元格是日期（Excel 自动转换），',
    hint: '请把该列设为文本后重新填写',
  },
  QuestionMark: {
    name: 'QuestionMark',
    title: '生僻字成了问号',
    message: (field: string, mark: string) => `${field}中有问号「${mark}」`,
    hint: '生僻字在另存为 CSV 时丢失；请另存为“CSV UTF-8”或 XLSX 后重新上传',
  },
  CertificateIsIdNumber: {
    name: 'CertificateIsIdNumber',
    title: '证件编号是身份证号',
    message: '含有居民身份证号码，不能作为证件编号公开',
    hint: '请检查是否把身份证号一列当成了证件编号',
  },
  CertificateTooLong: {
    name: 'CertificateTooLong',
    title: '证件编号过长',
    message: (max: number) => `证件编号过长（最多 ${max} 个字符）`,
    hint: '请照证件上的编号填写，不要加其他文字',
  },
  CertificateFormula: {
    name: 'CertificateFormula',
    title: '编号写成了公式',
    message: '证件编号写成了 Excel 的 ="…" 形式（公式不会被计算）',
    hint: '请去掉等号和引号，只留编号',
  },
  CertificateCharacters: {
    name: 'CertificateCharacters',
    title: '证件编号含有其他符号',
    message: '证件编号只能由数字、字母、汉字和中间的连字符 -、下划线 _、点 . 组成',
    hint: '请照证件上的编号填写，删去其他符号',
  },
  DuplicateCertificate: {
    name: 'DuplicateCertificate',
    title: '证件编号重复',
    message: (file: string, row: number) => `证件编号重复：与 ${file} 第 ${row} 行相同`,
    hint: '同一人只保留一行；不是同一人的，请核对证件编号',
  },
  CertificateOnlySeparators: {
    name: 'CertificateOnlySeparators',
    title: '证件编号只差分隔符',
    message: (file: string, row: number, other: string) => `证件编号与 ${file} 第 ${row} 行的「${other}」只差分隔符，查询时无法区分`,
    hint: '请照证件核对这两个编号，改正写错的一个',
  },
  AgencyEmpty: { name: 'AgencyEmpty', title: '单位为空', message: '单位为空', hint: '请填上机关的完整名称或 id' },
  AgencyEmptySheetUnknown: {
    name: 'AgencyEmptySheetUnknown',
    title: '单位为空',
    message: (row: number, text: string) => `单位为空，表头上方第 ${row} 行写的单位「${text}」在 agencies.yaml 中找不到（应与机关的完整名称一致）`,
  },
  AgencyUnknown: {
    name: 'AgencyUnknown',
    title: '单位找不到',
    message: '在 agencies.yaml 中找不到这个单位（应与机关的 id 或完整名称一致）',
  },
  AgencyMismatch: {
    name: 'AgencyMismatch',
    title: '单位与映射文件不一致',
    message: (name: string, id: string) => `与映射文件指定的单位「${name}」（${id}）不一致`,
    // The workspace reads every upload as the signed-in agency's (given as the mapping's agency): a row of another
    // unit is not the clerk's to publish, and each such person is named on a line of their own.
    workspaceMessage: (name: string) => `不是${name}：您只能发布${name}的人员`,
    workspaceEach: true,
  },
  DateInvalid: { name: 'DateInvalid', title: '日期无效', message: (formats: string) => `日期无效。${formats}` },
  DateNotReal: {
    name: 'DateNotReal',
    title: '日期不存在',
    message: '日期不存在（月份或日期超出范围）',
    hint: '请核对月份和日期',
  },
  DateUnknown: { name: 'DateUnknown', title: '无法识别的日期', message: (formats: string) => `无法识别的日期。${formats}` },
  DateSerialUnknown: {
    name: 'DateSerialUnknown',
    title: '无法识别的日期',
    message: (serial: number, formats: string) => `无法识别的日期（数字 ${serial} 不是合理的 Excel 日期）。${formats}`,
  },
  ValidBeforeIssued: {
    name: 'ValidBeforeIssued',
    title: '有效期早于发证日期',
    message: (issuedOn: string) => `有效期至早于发证日期 ${issuedOn}`,
    hint: '请照证件核对这两个日期',
  },
  NoExpiry: {
    name: 'NoExpiry',
    title: '没有有效期',
    message: (word: string) => `「${word}」不是日期`,
    hint: '证件没有有效期的，请把这一格留空（留空即没有有效期）',
  },
  StatusUnknown: { name: 'StatusUnknown', title: '无法识别的状态', message: (words: string) => `无法识别的状态。可用：${words}` },
  StatusNegated: {
    name: 'StatusNegated',
    title: '否定的状态说法',
    message: (phrase: string, negated: string, words: string) => `「${phrase}」是否定的说法，不能当作「${negated}」：请直接写出状态。可用：${words}`,
  },
  StatusNegatedInside: {
    name: 'StatusNegatedInside',
    title: '否定的状态说法',
    message: (chunk: string, negation: string, negated: string, words: string) =>
      `「${chunk}」中有否定的说法「${negation}」，不能当作「${negated}」：请直接写出状态。可用：${words}`,
  },
  StatusTwo: {
    name: 'StatusTwo',
    title: '写了两种状态',
    message: (names: readonly string[]) => `同时写了「${names.join('」和「')}」两种状态，无法确定是哪一种（只有“离职”加“证件已收回”按已离职处理）`,
    hint: '请只写一种状态',
  },
  EmploymentUnknown: { name: 'EmploymentUnknown', title: '无法识别的用工方式', message: (words: string) => `无法识别的用工方式。可用：${words}` },
  ConsentUnknown: { name: 'ConsentUnknown', title: '无法识别的照片公开同意', message: (words: string) => `无法识别的照片公开同意。可用：${words}` },
  DispatcherForDirect: {
    name: 'DispatcherForDirect',
    title: '直接招用的人员填了派遣单位',
    message: '用工方式为直接招用，不应填写劳务派遣单位',
    hint: '请删去劳务派遣单位，或把用工方式改为劳务派遣',
  },
  PhotoNotRelative: {
    name: 'PhotoNotRelative',
    title: '照片路径不对',
    message: '照片应写成名单文件所在文件夹内的相对路径，如 photos/张三.jpg',
  },
  PhotoType: { name: 'PhotoType', title: '照片格式不对', message: '照片应为 .jpg、.jpeg、.png 或 .webp 文件' },
  PhotoMissing: { name: 'PhotoMissing', title: '照片文件不存在', message: '照片文件不存在（应放在名单文件所在文件夹内）' },

  // The whole import
  ImportFailed: {
    name: 'ImportFailed',
    title: '名单有问题',
    message: (count: number) => `名单有 ${count} 处问题，未生成网站：`,
  },
  ProblemsFound: { name: 'ProblemsFound', title: '发现问题', message: (count: number) => `发现 ${count} 处问题：` },
  ProblemsFoundGrouped: {
    name: 'ProblemsFoundGrouped',
    title: '发现问题',
    message: (count: number, lines: number) => `发现 ${count} 处问题（同一列、同一原因的合为一条，共 ${lines} 条）：`,
  },
  SourcesConflict: { name: 'SourcesConflict', title: '名单来源冲突', message: '名单来源冲突，网站没有生成：' },
  WorkspaceAgencyUnknown: {
    name: 'WorkspaceAgencyUnknown',
    title: '工作台的机关不在名录中',
    message: (agencyId: string, seq: number) => `名单发布工作台中有机关 ${agencyId} 的名单（第 ${seq} 版），但它不在机关名录中`,
  },
  WorkspaceAndFile: {
    name: 'WorkspaceAndFile',
    title: '名单来源冲突',
    message: (name: string, agencyId: string, files: readonly string[], seq: number, date: string) =>
      `${name}（${agencyId}）既有 Git 中的名单文件 ${files.join('、')}，又有名单发布工作台发布的第 ${seq} 版（${date}）`,
    hint: '请删除名单文件，或由运维人员停用该机关的工作台版本',
  },
  WorkspaceDuplicateCertificate: {
    name: 'WorkspaceDuplicateCertificate',
    title: '证件编号重复',
    message: (certificateNo: string, first: string, second: string) => `证件编号 ${certificateNo} 同时出现在${first}和 ${second}中`,
  },
  WorkspaceStoreUrl: {
    name: 'WorkspaceStoreUrl',
    title: '工作台地址不对',
    message: 'ROSTER_STORE_URL 只支持 postgres://… 或 sqlite:<文件>',
  },
  WorkspaceUnreadable: {
    name: 'WorkspaceUnreadable',
    title: '无法读取工作台',
    message: (detail: string) => `无法读取名单发布工作台的版本（${detail}），网站没有生成：请检查 ROSTER_STORE_URL 或数据库是否可用。`,
  },
  WorkspaceSchemaNoUsage: {
    name: 'WorkspaceSchemaNoUsage',
    title: '数据库角色无权读取工作台',
    message: (schemas: readonly string[]) => `ROSTER_STORE_URL 的数据库角色无权使用 schema ${schemas.join('、')}，读不到名单发布工作台的版本，网站没有生成`,
    hint: '请执行 GRANT USAGE ON SCHEMA … TO 该角色。',
  },
  WorkspaceRecordBroken: {
    name: 'WorkspaceRecordBroken',
    title: '工作台记录格式不正确',
    message: (agencyId: string, seq: number) => `名单发布工作台中 ${agencyId} 的第 ${seq} 版记录格式不正确，网站没有生成。`,
  },
  WorkspaceOtherAgency: {
    name: 'WorkspaceOtherAgency',
    title: '工作台版本含有其他机关的人员',
    message: (agencyId: string, seq: number, other: string) => `名单发布工作台中 ${agencyId} 的第 ${seq} 版含有其他机关（${other}）的人员，网站没有生成。`,
  },
} as const satisfies Record<string, PlacedErrorData>;
