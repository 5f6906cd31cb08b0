/**
 * A store address as a message or a log may show it, never with its password: `SQLite 文件 <file>`, or
 * `PostgreSQL <host>:<port>，数据库 <db>` (with the schema when the address sets a search_path).
 */
export function storeName(url: string): string {
  if (url.startsWith('sqlite:')) return `SQLite 文件 ${url.slice('sqlite:'.length)}`;
  try {
    const u = new URL(url);
    if (!/^postgres(ql)?:$/.test(u.protocol)) return '（不是有效的地址）';
    const schema = /search_path\s*=\s*([^\s,]+)/.exec(u.searchParams.get('options') ?? '')?.[1];
    const db = decodeURIComponent(u.pathname.slice(1)) || '（未写）';
    return `PostgreSQL ${u.hostname || '本机套接字'}${u.port ? `:${u.port}` : ''}，数据库 ${db}${schema ? `，schema ${schema}` : ''}`;
  } catch {
    return '（不是有效的地址）';
  }
}
