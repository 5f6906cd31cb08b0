import QRCode from 'qrcode';

/** The absolute URL a certificate's QR code encodes: `<SITE_URL>/verify/<number>/` (non-ASCII percent-encoded). */
export function verifyUrl(siteUrl: string, certificateNo: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/verify/${encodeURIComponent(certificateNo)}/`;
}

/** A QR code as a standalone SVG (error correction M, 2-module quiet zone), black on white for printing. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } });
}
