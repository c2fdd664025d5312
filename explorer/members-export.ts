/**
 * Exporting a segment's members as CSV, for tools that take an audience as a file (ad platforms,
 * mailing tools). Pages through Segment.members with its cursor; the CSV is written by papaparse
 * with spreadsheet formulae escaped (a text starting with "=" must not run in Excel).
 */
import Papa from 'papaparse';
import type { GraphQLClient } from './graphql-client';
import { MEMBERS_PAGE_SIZE, SEGMENT_MEMBERS, type SegmentMembersAnswer } from './queries';

export interface MemberRow {
  user_id: string;
  segment_key: string;
  text: string;
  attributes: string;
}

export async function fetchMembers(
  client: GraphQLClient,
  segment: { id: string; key: string },
  onProgress: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<MemberRow[]> {
  const rows: MemberRow[] = [];
  let after: string | null = null;
  for (;;) {
    if (signal.aborted) throw new DOMException('export cancelled', 'AbortError');
    const answer: SegmentMembersAnswer = await client.request<SegmentMembersAnswer>(SEGMENT_MEMBERS, { id: segment.id, first: MEMBERS_PAGE_SIZE, after });
    const members = answer.segment?.members;
    if (!members) throw new Error(`segment ${segment.id} no longer exists`);
    for (const user of members.nodes) {
      rows.push({ user_id: user.id, segment_key: segment.key, text: user.text ?? '', attributes: JSON.stringify(user.attributes) });
    }
    onProgress(rows.length, members.totalCount);
    if (!members.pageInfo.hasNextPage || !members.pageInfo.endCursor) return rows;
    after = members.pageInfo.endCursor;
  }
}

export function membersCsv(rows: MemberRow[]): string {
  return Papa.unparse(rows, { columns: ['user_id', 'segment_key', 'text', 'attributes'], escapeFormulae: true, newline: '\r\n' });
}

/** Hands the text to the browser as a file download (a same-origin blob: URL, revoked right after). */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
