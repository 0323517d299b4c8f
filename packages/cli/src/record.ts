/**
 * The release record: what `secure-lambda release` and `rollback` write into the alias's description, so
 * the version to roll back to is kept in AWS (visible to anyone with lambda:GetAlias), not on the
 * operator's disk. Terraform ignores changes to the description (VersionedAlias), so applies keep it.
 *
 *   secure-lambda release: previous=3 current=4 at=2026-11-29T23:50:00.000Z by=arn:aws:iam::1:user/ana
 *   secure-lambda rollback: from=4 to=3 at=2026-11-29T23:58:00.000Z by=arn:aws:iam::1:user/ana
 */
export type ReleaseRecord =
  | {
      readonly kind: 'release';
      readonly previous: string;
      readonly current: string;
      readonly at: string;
      readonly by: string;
    }
  | {
      readonly kind: 'rollback';
      readonly from: string;
      readonly to: string;
      readonly at: string;
      readonly by: string;
    };

/** Lambda's limit on alias descriptions. */
export const MAX_DESCRIPTION = 256;

function truncateToLimit(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/**
 * @example
 * formatRecord({ kind: 'release', previous: '3', current: '4', at: '2026-11-29T23:50:00.000Z', by: 'arn:...' });
 */
export function formatRecord(record: ReleaseRecord): string {
  return truncateToLimit(
    record.kind === 'release'
      ? `secure-lambda release: previous=${record.previous} current=${record.current} at=${record.at} by=${record.by}`
      : `secure-lambda rollback: from=${record.from} to=${record.to} at=${record.at} by=${record.by}`,
  );
}

/** The record in an alias description, or undefined when the description holds none. */
export function parseRecord(description: string): ReleaseRecord | undefined {
  const release = /^secure-lambda release: previous=(\d+) current=(\d+) at=(\S+) by=(.*)$/.exec(description);
  if (release) {
    const [, previous, current, at, by] = release as unknown as [string, string, string, string, string];
    return { kind: 'release', previous, current, at, by };
  }
  const rollback = /^secure-lambda rollback: from=(\d+) to=(\d+) at=(\S+) by=(.*)$/.exec(description);
  if (rollback) {
    const [, from, to, at, by] = rollback as unknown as [string, string, string, string, string];
    return { kind: 'rollback', from, to, at, by };
  }
  return undefined;
}
