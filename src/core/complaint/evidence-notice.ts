/**
 * What the complaint page and the privacy notice tell a complainant about the metadata of evidence files
 * (functions/complaints/evidence-metadata.ts takes it out of photos; PDFs pass unchanged — docs/SECURITY.md).
 * Not in the island's bundle: the pages render it around the form.
 */
export const EVIDENCE_METADATA_NOTICE =
  '上传的照片（JPEG、PNG、WebP）在保存前，本平台会删除其中附带的拍摄地点（GPS 位置）、拍摄时间、相机或手机型号、作者等信息，只保留照片方向，办理机关收到的照片不含这些信息。' +
  'PDF 文件按原样保存和转交，本平台不删除其“文档属性”中的作者、创建软件等信息：匿名举报时请先检查，或改为上传截图或照片。';
