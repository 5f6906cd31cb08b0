/** Site paths, in one place. Certificate numbers may contain Han characters: they are percent-encoded in links. */
export const verifyPath = (no: string) => `/verify/${encodeURIComponent(no)}/`;
export const qrPath = (no: string) => `${verifyPath(no)}qr.svg`;
export const agencyPath = (id: string) => `/agencies/${id}/`;
export const regulationPath = (id: string) => `/regulations/${id}/`;
export const complaintPath = (no: string) => `/complaint/?no=${encodeURIComponent(no)}`;
export const reportPath = (no: string) => `/complaint/?kind=report&no=${encodeURIComponent(no)}`;
export const photoFileName = (photo: string) => `photo${(/\.[a-z0-9]+$/i.exec(photo)?.[0] ?? '').toLowerCase()}`;
