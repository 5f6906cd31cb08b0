import { PNG } from 'pngjs';
import type { Rng } from './prng.ts';

/** A small grey ID-photo silhouette (head and shoulders) on a light background; well under 2 KB. */
export function silhouettePng(rng: Rng): Buffer {
  const width = 60;
  const height = 80;
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8 });
  const background = 215 + rng.int(0, 30);
  const figure = 90 + rng.int(0, 40);
  const headRy = 15 + rng.int(0, 3);
  const headRx = 12 + rng.int(0, 2);
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const head = ((x - 30) / headRx) ** 2 + ((y - 30) / headRy) ** 2 <= 1;
      const shoulders = y >= 52 && ((x - 30) / 28) ** 2 + ((y - 80) / 26) ** 2 <= 1;
      data[y * width + x] = head || shoulders ? figure : background;
    }
  }
  png.data = data;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8, deflateLevel: 9 });
}
