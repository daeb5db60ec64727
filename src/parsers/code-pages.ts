/**
 * Decoding what Windows console programs (netstat, tasklist, taskkill) write: bytes in the
 * console's OEM code page. Pure functions and tables; guessing the code page of this machine and
 * running the tools is src/system/windows-console.ts.
 *
 * @module
 */

/** The upper half (0x80–0xFF) of the single-byte DOS code pages; the lower half is ASCII. */
const HIGH_HALVES: Readonly<Record<number, string>> = {
  437: 'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0',
  850: 'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0',
  866: 'АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмноп░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀рстуфхцчшщъыьэюяЁёЄєЇїЎў°∙·√№¤■\u00a0',
};

/** Multi-byte and Windows code pages decoded with the WHATWG `TextDecoder` (full ICU). */
const DECODER_LABELS: Readonly<Record<number, string>> = {
  65001: 'utf-8',
  936: 'gbk',
  54936: 'gb18030',
  932: 'shift_jis',
  949: 'euc-kr',
  950: 'big5',
  874: 'windows-874',
  1250: 'windows-1250',
  1251: 'windows-1251',
  1252: 'windows-1252',
  1253: 'windows-1253',
  1254: 'windows-1254',
  1255: 'windows-1255',
  1256: 'windows-1256',
  1257: 'windows-1257',
  1258: 'windows-1258',
};

/**
 * Decodes bytes a Windows console program (netstat, tasklist) wrote in code page `codePage`.
 * 437, 850 and 866 (the OEM code pages of US, Western European and Russian Windows) use built-in
 * tables; 65001 (UTF-8), 936 (GBK), 932, 949, 950 and the 125x pages use `TextDecoder`; an
 * unknown code page, or a Node built without full ICU, falls back to Latin-1, which keeps every
 * ASCII character (protocols, addresses, numbers) intact.
 *
 * @example
 * ```ts
 * decodeWindowsConsole(Buffer.from([0x41, 0x42, 0x48, 0x99, 0x52, 0x45, 0x4e]), 850); // 'ABHÖREN'
 * ```
 */
export function decodeWindowsConsole(bytes: Uint8Array, codePage: number): string {
  const table = HIGH_HALVES[codePage];
  if (table !== undefined) {
    let text = '';
    for (const byte of bytes)
      text += byte < 0x80 ? String.fromCharCode(byte) : table.charAt(byte - 0x80);
    return text;
  }
  const label = DECODER_LABELS[codePage];
  if (label !== undefined) {
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // Node without full ICU knows only utf-8, utf-16le and latin1.
    }
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * Decodes console output: as UTF-8 when the bytes are valid UTF-8 (plain ASCII, or a console set
 * to code page 65001), otherwise in `codePage` with {@link decodeWindowsConsole}.
 *
 * @example
 * ```ts
 * decodeConsoleOutput(Buffer.from('TCP 0.0.0.0:80'), 850); // 'TCP 0.0.0.0:80'
 * ```
 */
export function decodeConsoleOutput(bytes: Uint8Array, codePage: number): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeWindowsConsole(bytes, codePage);
  }
}

/** Languages whose Windows OEM code page is not 850. */
const OEM_BY_LANGUAGE: Readonly<Record<string, number>> = {
  en: 437,
  ru: 866,
  uk: 866,
  be: 866,
  bg: 866,
  kk: 866,
  ky: 866,
  tt: 866,
  mn: 866,
  sr: 855,
  mk: 866,
  pl: 852,
  cs: 852,
  sk: 852,
  hu: 852,
  hr: 852,
  sl: 852,
  ro: 852,
  bs: 852,
  sq: 852,
  tr: 857,
  az: 857,
  el: 737,
  he: 862,
  ar: 720,
  fa: 720,
  lt: 775,
  lv: 775,
  et: 775,
  ja: 932,
  ko: 949,
  th: 874,
  vi: 1258,
};

/**
 * The OEM code page Windows uses for a display locale (BCP 47, e.g. `Intl`'s resolved locale):
 * 437 for English, 850 for most Western European languages, 866 for Cyrillic, 936 for simplified
 * and 950 for traditional Chinese, 932 Japanese, 949 Korean, ... Default 850.
 *
 * @example
 * ```ts
 * oemCodePageForLocale('de-DE'); // 850
 * oemCodePageForLocale('zh-CN'); // 936
 * ```
 */
export function oemCodePageForLocale(locale: string): number {
  const [language = '', ...rest] = locale.toLowerCase().split(/[-_]/);
  if (language === 'zh') {
    const traditional = rest.some(
      (part) => part === 'tw' || part === 'hk' || part === 'mo' || part === 'hant',
    );
    return traditional ? 950 : 936;
  }
  if (language === 'sr' && rest.includes('latn')) return 852;
  return OEM_BY_LANGUAGE[language] ?? 850;
}
