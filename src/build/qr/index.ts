import QRCode from 'qrcode';

/** The absolute URL a certificate's QR code encodes: `<SITE_URL>/verify/<number>/` (non-ASCII percent-encoded). */
export function verifyUrl(siteUrl: string, certificateNo: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/verify/${encodeURIComponent(certificateNo)}/`;
}

/**
 * A QR code as a standalone SVG, black on white for printing: error correction M, 2-module quiet zone.
 * The mask pattern is fixed: letting qrcode try all eight and score them makes every code several times slower
 * (docs/PORTAL.md), and every decoder reads every mask; the tests decode the codes with jsQR.
 * Synchronous: given a callback, qrcode renders in the call and returns the SVG (its promise form only wraps that),
 * and the build writes 300,000 of these without a promise each.
 */
export function qrSvg(text: string): string {
  let svg: string | undefined;
  QRCode.toString(text, OPTIONS, (error, out) => {
    if (error) throw error;
    svg = out;
  });
  if (svg === undefined) throw new Error(`qrcode rendered no SVG for ${text}`);
  return svg;
}

const OPTIONS = {
  type: 'svg',
  errorCorrectionLevel: 'M',
  maskPattern: 2,
  margin: 2,
  color: { dark: '#000000', light: '#ffffff' },
} as const;
