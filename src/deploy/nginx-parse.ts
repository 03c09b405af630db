// nginx configuration syntax: a tokenizer and a recursive-descent parser that follow nginx's own
// lexer (src/core/ngx_conf_file.c): words, '…' and "…" strings with backslash escapes, `#` comments
// at the start of a token, `;`, `{`, `}`, and `${VAR}` inside a word (variables and envsubst
// placeholders) not opening a block. Every directive and argument carries file/line/column.

export interface NgxArg {
  /** Value with quotes removed and escapes resolved. */
  value: string;
  raw: string;
  quoted: boolean;
  line: number;
  column: number;
}

export interface NgxDirective {
  name: string;
  args: NgxArg[];
  /** Present for block directives (`server { … }`). */
  block?: NgxDirective[];
  file: string;
  line: number;
  column: number;
  /** The directive as written on its first line (for evidence). */
  text: string;
}

export class NgxSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
  }
}

type Tok = { t: 'word'; value: string; raw: string; quoted: boolean; line: number; column: number } | { t: ';' | '{' | '}'; line: number; column: number };

export function tokenizeNginx(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const n = src.length;
  const adv = () => {
    if (src[i] === '\n') {
      line++;
      col = 1;
    } else col++;
    i++;
  };
  while (i < n) {
    const ch = src[i];
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === '\f') {
      adv();
      continue;
    }
    if (ch === '#') {
      while (i < n && src[i] !== '\n') adv();
      continue;
    }
    if (ch === ';' || ch === '{' || ch === '}') {
      const prev = toks[toks.length - 1];
      toks.push({ t: ch, line, column: col });
      adv();
      // OpenResty `*_by_lua_block { … }`: the body is Lua, read by the Lua module, not nginx
      // directives. Skip it to the matching brace (Lua strings, long brackets and comments aside).
      if (ch === '{' && prev?.t === 'word' && !prev.quoted && /_by_lua_block$/.test(prev.value)) {
        let depth = 1;
        while (i < n && depth > 0) {
          const c = src[i];
          if (c === '-' && src[i + 1] === '-') {
            while (i < n && src[i] !== '\n') adv();
            continue;
          }
          if (c === '"' || c === "'") {
            adv();
            while (i < n && src[i] !== c && src[i] !== '\n') {
              if (src[i] === '\\') adv();
              adv();
            }
            adv();
            continue;
          }
          if (c === '[' && /^\[=*\[/.test(src.slice(i, i + 64))) {
            const close = ']' + '='.repeat(/^\[(=*)\[/.exec(src.slice(i, i + 64))![1].length) + ']';
            while (i < n && !src.startsWith(close, i)) adv();
            for (let k = 0; k < close.length && i < n; k++) adv();
            continue;
          }
          if (c === '{') depth++;
          else if (c === '}') depth--;
          if (depth === 0) break;
          adv();
        }
        if (depth > 0) throw new NgxSyntaxError('unexpected end of file in a Lua block, expecting "}"', line, col);
      }
      continue;
    }
    const sl = line;
    const sc = col;
    const start = i;
    if (ch === '"' || ch === "'") {
      const q = ch;
      adv();
      let value = '';
      let closed = false;
      while (i < n) {
        const c = src[i];
        if (c === '\\' && i + 1 < n) {
          const nx = src[i + 1];
          // nginx resolves \" \' \\ \t \r \n; other escapes keep the backslash.
          if (nx === q || nx === '\\') value += nx;
          else if (nx === 't') value += '\t';
          else if (nx === 'r') value += '\r';
          else if (nx === 'n') value += '\n';
          else value += c + nx;
          adv();
          adv();
          continue;
        }
        if (c === q) {
          adv();
          closed = true;
          break;
        }
        value += c;
        adv();
      }
      if (!closed) throw new NgxSyntaxError(`unterminated ${q === '"' ? 'double' : 'single'}-quoted string`, sl, sc);
      // nginx requires a separator after a closing quote: whitespace, ';', '{', or the ')' that
      // closes an `if` condition (`if ($ssl_client_verify != "SUCCESS")`), which then starts a
      // word of its own (ngx_conf_read_token's need_space). '}' is not one.
      if (i < n && !/[\s;{)]/.test(src[i])) throw new NgxSyntaxError(`unexpected "${src[i]}" after a quoted string`, line, col);
      toks.push({ t: 'word', value, raw: src.slice(start, i), quoted: true, line: sl, column: sc });
      continue;
    }
    // Unquoted word: ends at whitespace, ';', '{' (unless preceded by '$'), '}' (unless inside ${…}).
    let value = '';
    let inVar = false;
    while (i < n) {
      const c = src[i];
      if (c === '\\' && i + 1 < n) {
        value += c + src[i + 1];
        adv();
        adv();
        continue;
      }
      if (/\s/.test(c) || c === ';') break;
      if (c === '{') {
        if (value.endsWith('$')) {
          inVar = true;
          value += c;
          adv();
          continue;
        }
        break;
      }
      if (c === '}') {
        if (inVar) {
          inVar = false;
          value += c;
          adv();
          continue;
        }
        break;
      }
      value += c;
      adv();
    }
    toks.push({ t: 'word', value, raw: src.slice(start, i), quoted: false, line: sl, column: sc });
  }
  return toks;
}

/** Parses nginx configuration text into directives. Throws NgxSyntaxError on malformed input. */
export function parseNginx(src: string, file: string): NgxDirective[] {
  const toks = tokenizeNginx(src);
  const lines = src.split('\n');
  let p = 0;
  const parseBlock = (depth: number, open?: Tok): NgxDirective[] => {
    const out: NgxDirective[] = [];
    for (;;) {
      const tk = toks[p];
      if (!tk) {
        if (depth > 0) throw new NgxSyntaxError('unexpected end of file, expecting "}"', open!.line, open!.column);
        return out;
      }
      if (tk.t === '}') {
        if (depth === 0) throw new NgxSyntaxError('unexpected "}"', tk.line, tk.column);
        p++;
        return out;
      }
      if (tk.t !== 'word') throw new NgxSyntaxError(`unexpected "${tk.t}"`, tk.line, tk.column);
      const name = tk;
      p++;
      const args: NgxArg[] = [];
      for (;;) {
        const a = toks[p];
        if (!a) throw new NgxSyntaxError(`unexpected end of file, expecting ";" or "}" after "${name.value}"`, name.line, name.column);
        if (a.t === 'word') {
          args.push({ value: a.value, raw: a.raw, quoted: a.quoted, line: a.line, column: a.column });
          p++;
          continue;
        }
        if (a.t === '}') throw new NgxSyntaxError(`unexpected "}" after "${name.value}", expecting ";"`, a.line, a.column);
        break;
      }
      const end = toks[p];
      p++;
      const d: NgxDirective = {
        name: name.value,
        args,
        file,
        line: name.line,
        column: name.column,
        text: (lines[name.line - 1] ?? '').trim(),
      };
      if (end.t === '{') {
        if (depth > 64) throw new NgxSyntaxError('blocks nested too deeply', end.line, end.column);
        d.block = parseBlock(depth + 1, end);
      }
      out.push(d);
    }
  };
  return parseBlock(0);
}

/** Known nginx directive names that make a file recognisably nginx configuration. */
export const NGINX_MARKERS = new Set([
  'server',
  'http',
  'location',
  'upstream',
  'proxy_pass',
  'uwsgi_pass',
  'fastcgi_pass',
  'grpc_pass',
  'scgi_pass',
  'listen',
  'server_name',
  'ssl_certificate',
  'ssl_verify_client',
  'ssl_client_certificate',
  'proxy_set_header',
  'events',
  'worker_processes',
  'ssl_trusted_certificate',
  'ssl_crl',
  'root',
  'map',
  'include',
  'uwsgi_param',
]);
