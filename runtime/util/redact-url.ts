// A database URL as messages and logs may show it: postgres://user:secret@host/db → postgres://user:***@host/db.
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/i, '$1:***@');
}
