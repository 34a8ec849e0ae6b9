/**
 * Reader for numpy's .npz archives (`np.savez`, `np.savez_compressed`): a zip of .npy members.
 */
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { errorMessage, InputError } from '../errors.js';
import { arrayToTrajectories, parseNpy } from './npy.js';
import { describeContent, oneLine, quote, type RawTrajectory } from './validate.js';

/** Refuse to inflate more than this: a tiny corrupt or hostile archive can claim gigabytes. */
const MAX_INFLATED_BYTES = 2 ** 31;

/**
 * Decode an .npz archive into trajectories: each `.npy` member of shape (T, d) is one trajectory,
 * each of shape (K, T, d) adds K, in archive order. With `key`, only that member is used.
 * @param file path, for messages
 * @param bytes the whole archive
 * @param key member name, with or without `.npy`
 * @throws InputError for a non-zip, a corrupt archive, a missing key or a bad member
 */
export function readNpz(file: string, bytes: Uint8Array, key?: string): RawTrajectory[] {
  const isZip =
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b &&
    ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
  if (!isZip) throw new InputError(file, `not a .npz file (not a zip archive; content looks like ${describeContent(bytes)})`);

  const names: string[] = [];
  const wanted = (name: string): boolean =>
    key === undefined ? name.endsWith('.npy') : name === key || name === `${key}.npy`;
  let inflated = 0;
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, {
      filter: (info: UnzipFileInfo) => {
        if (info.name.endsWith('/')) return false; // directory entries carry no data
        names.push(info.name);
        if (!wanted(info.name)) return false;
        inflated += info.originalSize;
        if (inflated > MAX_INFLATED_BYTES)
          throw new InputError(file, `archive members inflate to more than ${MAX_INFLATED_BYTES} bytes; too large to load`);
        return true;
      },
    });
  } catch (err) {
    if (err instanceof InputError) throw err;
    const why = oneLine(errorMessage(err));
    throw new InputError(file, `corrupt .npz (zip) archive: ${why}`);
  }

  const chosen = names.filter(wanted);
  if (key !== undefined && chosen.length === 0) {
    const keys = names.map((n) => n.replace(/\.npy$/, ''));
    throw new InputError(
      file,
      `no member named ${quote(key)}; available keys: ${keys.length ? keys.map((k) => quote(k)).join(', ') : '(none)'}`,
    );
  }
  if (chosen.length === 0) {
    const found = names.length ? `; it holds ${names.slice(0, 10).map((n) => quote(n)).join(', ')}` : ' (the archive is empty)';
    throw new InputError(file, `contains no .npy members${found}`);
  }

  const crcs = centralDirectoryCrcs(bytes);
  const out: RawTrajectory[] = [];
  for (const name of chosen) {
    const data = members[name];
    if (!data) throw new InputError(file, `corrupt .npz (zip) archive: member ${quote(name)} could not be extracted`);
    const expectedCrc = crcs?.get(name);
    // fflate does not check CRCs; a flipped bit in a stored member would otherwise load as wrong numbers.
    if (expectedCrc !== undefined && crc32(data) !== expectedCrc)
      throw new InputError(file, `corrupt .npz (zip) archive: member ${quote(name)} fails its CRC-32 check`);
    try {
      out.push(...arrayToTrajectories(`member ${name}`, parseNpy(data, `member ${name}`), `member ${name}`));
    } catch (err) {
      if (err instanceof InputError) throw new InputError(file, err.message);
      throw err;
    }
  }
  return out;
}

/**
 * Read the CRC-32 of every entry from the zip central directory (zip64 aware, since `np.savez`
 * forces zip64). Returns undefined when the directory cannot be read; fflate already accepted the
 * archive then, so verification is skipped rather than rejecting a zip variant we do not parse.
 */
function centralDirectoryCrcs(bytes: Uint8Array): Map<string, number> | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number): number => view.getUint32(at, true);
  const u16 = (at: number): number => view.getUint16(at, true);
  try {
    let eocd = -1;
    for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--)
      if (u32(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    if (eocd < 0) return undefined;
    let count = u16(eocd + 10);
    let at = u32(eocd + 16);
    if ((count === 0xffff || at === 0xffffffff) && eocd >= 20 && u32(eocd - 20) === 0x07064b50) {
      const z64 = Number(view.getBigUint64(eocd - 20 + 8, true));
      if (u32(z64) !== 0x06064b50) return undefined;
      count = Number(view.getBigUint64(z64 + 32, true));
      at = Number(view.getBigUint64(z64 + 48, true));
    }
    const crcs = new Map<string, number>();
    for (let e = 0; e < count; e++) {
      if (u32(at) !== 0x02014b50) return undefined;
      const utf8 = (u16(at + 8) & 0x800) !== 0;
      const crc = u32(at + 16);
      const nameLen = u16(at + 28);
      const raw = bytes.subarray(at + 46, at + 46 + nameLen);
      // Decode names the way fflate does, so the keys match its output.
      const name = utf8 ? new TextDecoder().decode(raw) : Buffer.from(raw).toString('latin1');
      crcs.set(name, crc);
      at += 46 + nameLen + u16(at + 30) + u16(at + 32);
    }
    return crcs;
  } catch {
    return undefined;
  }
}

let crcTable: Uint32Array | undefined;

/** Standard zip CRC-32 (polynomial 0xEDB88320). */
function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
