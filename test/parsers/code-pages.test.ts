/**
 * Windows console decoding: OEM code pages 437, 850, 866, 936 and UTF-8, the code page of a
 * locale. The byte strings are built from the code-page tables (netstat's titles in Russian and
 * Chinese); moved from test/parsers/netstat-windows.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeConsoleOutput,
  decodeWindowsConsole,
  oemCodePageForLocale,
} from '../../src/parsers/code-pages.ts';

test('code pages 437, 850, 866, 936, 65001', () => {
  assert.equal(
    decodeWindowsConsole(Buffer.from([0x41, 0x42, 0x48, 0x99, 0x52, 0x45, 0x4e]), 850),
    'ABHÖREN',
  );
  assert.equal(decodeWindowsConsole(Buffer.from([0x99, 0x9b, 0xe1]), 437), 'Ö¢ß');
  assert.equal(decodeWindowsConsole(Buffer.from([0x9b, 0x9d, 0xb5]), 850), 'øØÁ');
  // "Активные подключения" (Russian netstat title) in CP866.
  const russian = Buffer.from([
    0x80, 0xaa, 0xe2, 0xa8, 0xa2, 0xad, 0xeb, 0xa5, 0x20, 0xaf, 0xae, 0xa4, 0xaa, 0xab, 0xee, 0xe7,
    0xa5, 0xad, 0xa8, 0xef,
  ]);
  assert.equal(decodeWindowsConsole(russian, 866), 'Активные подключения');
  // "活动连接" (Chinese netstat title) in GBK.
  assert.equal(
    decodeWindowsConsole(Buffer.from([0xbb, 0xee, 0xb6, 0xaf, 0xc1, 0xac, 0xbd, 0xd3]), 936),
    '活动连接',
  );
  assert.equal(decodeWindowsConsole(Buffer.from('Ö', 'utf8'), 65001), 'Ö');
  // An unknown code page keeps ASCII intact.
  assert.equal(
    decodeWindowsConsole(Buffer.from('TCP 0.0.0.0:80\xff', 'latin1'), 12345),
    'TCP 0.0.0.0:80ÿ',
  );
  // Valid UTF-8 wins; otherwise the code page is used.
  assert.equal(decodeConsoleOutput(Buffer.from('活动连接', 'utf8'), 850), '活动连接');
  assert.equal(decodeConsoleOutput(Buffer.from([0x99]), 850), 'Ö');
});

test('OEM code page of a locale', () => {
  assert.equal(oemCodePageForLocale('en-US'), 437);
  assert.equal(oemCodePageForLocale('de-DE'), 850);
  assert.equal(oemCodePageForLocale('fr-FR'), 850);
  assert.equal(oemCodePageForLocale('ru-RU'), 866);
  assert.equal(oemCodePageForLocale('zh-CN'), 936);
  assert.equal(oemCodePageForLocale('zh-Hant-TW'), 950);
  assert.equal(oemCodePageForLocale('ja-JP'), 932);
  assert.equal(oemCodePageForLocale('xx'), 850);
});

test('every byte of the table code pages decodes to one character; ASCII stays ASCII', () => {
  const all = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));
  for (const codePage of [437, 850]) {
    const text = decodeWindowsConsole(all, codePage);
    assert.equal(text.length, 256, `code page ${codePage}`);
    assert.equal(text.slice(0, 128), all.subarray(0, 128).toString('latin1'));
  }
});

test('a view into a larger buffer decodes only its own bytes', () => {
  const whole = Buffer.from('xxABHÖRENyy', 'latin1');
  const view = new Uint8Array(whole.buffer, whole.byteOffset + 2, 7);
  assert.equal(decodeWindowsConsole(view, 12345), 'ABHÖREN');
  assert.equal(decodeConsoleOutput(new Uint8Array(0), 850), '');
});

test('locales: case and separators, Serbian Latin and Cyrillic, Chinese scripts', () => {
  assert.equal(oemCodePageForLocale('EN_us'), 437);
  assert.equal(oemCodePageForLocale('sr-Latn-RS'), 852);
  assert.equal(oemCodePageForLocale('sr-Cyrl-RS'), 855);
  assert.equal(oemCodePageForLocale('zh-HK'), 950);
  assert.equal(oemCodePageForLocale('zh-Hans-SG'), 936);
  assert.equal(oemCodePageForLocale('pl-PL'), 852);
  assert.equal(oemCodePageForLocale('tr-TR'), 857);
  assert.equal(oemCodePageForLocale(''), 850);
});
