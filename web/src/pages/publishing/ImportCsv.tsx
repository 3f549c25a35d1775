import { useMemo, useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { ApiError, post } from '../../api/client.ts';
import { can } from '../../api/session.ts';
import { calendarKey, useProfiles } from '../../api/publishing.ts';
import { FormError } from '../../components/FormError.tsx';
import { EmptyState, Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { csvField, parseCsv } from '../../lib/csv.ts';
import { useShell } from '../../shell/useWorkspace.ts';

interface RowReport {
  line: number;
  ok: boolean;
  errors: { column: string; message: string }[];
  postId?: string;
}

interface ImportReport {
  imported: number;
  invalid: number;
  refused: boolean;
  rows: RowReport[];
}

type Mode = 'all_or_nothing' | 'valid_rows';
const COLUMNS = ['profile', 'text', 'when', 'campaign', 'tags'] as const;

/** Publish → Import: schedule many posts from a CSV file, every row checked first. */
export function ImportCsv() {
  const { workspace } = useShell();
  const allowed = can(workspace, 'posts.schedule');
  const profiles = useProfiles(workspace.id);
  const client = useQueryClient();
  const toast = useToast();
  const fileInput = useRef<HTMLInputElement>(null);
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState('');
  const [report, setReport] = useState<{ report: ImportReport; checked: boolean; refused?: boolean } | null>(null);

  const run = useMutation({
    mutationFn: ({ mode, dryRun }: { mode: Mode; dryRun: boolean }) => post<ImportReport>(`/workspaces/${workspace.id}/posts/import`, { csv, mode, dryRun }),
    onSuccess: (result, { dryRun }) => {
      setReport({ report: result, checked: dryRun });
      if (!dryRun && result.imported > 0) {
        toast(result.imported === 1 ? '1 post scheduled.' : `${result.imported} posts scheduled.`);
        void client.invalidateQueries({ queryKey: calendarKey(workspace.id) });
      }
    },
    onError: (error) => {
      // Nothing was imported because a row has problems: show them.
      const refused = error instanceof ApiError && error.code === 'csv_rows_invalid' ? (error.details.report as ImportReport | undefined) : undefined;
      setReport(refused ? { report: refused, checked: true, refused: true } : null);
    },
  });

  const records = useMemo(() => parseCsv(csv), [csv]);
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const cell = (line: number, column: string) => {
    const index = header.indexOf(column);
    return index >= 0 ? (records[line - 1]?.[index] ?? '') : '';
  };

  const template = useMemo(() => {
    const handle = profiles.data?.[0]?.handle ?? 'your.handle';
    const day = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
    const lines = [
      COLUMNS.join(','),
      [handle, 'Our spring collection is here: https://example.com/spring', `${day} 09:30`, '', 'launch;spring'].map(csvField).join(','),
      [handle, 'A second post, later that day.\nText can span lines when quoted.', `${day} 17:00`, '', ''].map(csvField).join(','),
    ];
    return `data:text/csv;charset=utf-8,${encodeURIComponent(lines.join('\r\n') + '\r\n')}`;
  }, [profiles.data]);

  if (!allowed) {
    return (
      <Section title="Import from CSV">
        <EmptyState title="Publishers import posts">
          <p>Importing schedules posts, which publishers, admins and owners can do. Ask one of them, or write drafts in the composer.</p>
        </EmptyState>
      </Section>
    );
  }

  const r = report?.report;
  const valid = r ? r.rows.filter((row) => row.ok).length : 0;
  const imported = r && !report.checked && r.imported > 0;
  const firstDay = imported ? cell(r.rows.find((row) => row.postId)?.line ?? 2, 'when').slice(0, 10) : '';
  const edit = (text: string) => {
    setCsv(text);
    setReport(null);
    run.reset();
  };

  return (
    <div className="stack">
      <Section
        title="Import from CSV"
        description={
          <>
            One post per row, with the columns <code>profile</code> (handle or id), <code>text</code>, <code>when</code> (<code>YYYY-MM-DD HH:mm</code> in{' '}
            {workspace.timezone.replace(/_/g, ' ')}, or ISO 8601 with an offset), and optionally <code>campaign</code> (its name) and <code>tags</code> (separated by
            “;”). Every row is checked before anything is scheduled.
          </>
        }
        actions={
          <a className="button" href={template} download="chorus-import-template.csv">
            Download template
          </a>
        }
      >
        <div className="field">
          <label htmlFor="import-csv">CSV</label>
          <textarea
            id="import-csv"
            className="mono import__text"
            rows={8}
            value={csv}
            spellCheck={false}
            placeholder={'profile,text,when,campaign,tags\nyour.handle,Hello world,2030-01-31 09:30,,news'}
            onChange={(e) => {
              setFileName('');
              edit(e.target.value);
            }}
          />
          <p className="field__hint">Paste the rows, or choose a file: it is read in your browser and sent as text.</p>
        </div>
        <div className="import__actions">
          <button type="button" className="button" onClick={() => fileInput.current?.click()}>
            Choose a file…
          </button>
          {fileName && <span className="muted small">{fileName}</span>}
          <input
            ref={fileInput}
            type="file"
            accept=".csv,text/csv,text/plain"
            hidden
            aria-label="CSV file"
            onChange={async (event) => {
              const file = event.currentTarget.files?.[0];
              event.currentTarget.value = '';
              if (!file) return;
              setFileName(file.name);
              edit(await file.text());
            }}
          />
          <button type="button" className="button button--primary import__check" disabled={!csv.trim() || run.isPending} onClick={() => run.mutate({ mode: 'all_or_nothing', dryRun: true })}>
            {run.isPending && run.variables?.dryRun ? 'Checking…' : 'Check'}
          </button>
        </div>
        {!(run.error instanceof ApiError && run.error.code === 'csv_rows_invalid') && <FormError error={run.error} />}
      </Section>

      {r && (
        <Section
          title={imported ? 'Imported' : 'Check'}
          description={
            imported
              ? `${r.imported === 1 ? '1 post was' : `${r.imported} posts were`} scheduled${r.invalid ? `; ${r.invalid === 1 ? '1 row was' : `${r.invalid} rows were`} left out` : ''}.`
              : `${r.rows.length === 1 ? '1 row' : `${r.rows.length} rows`}: ${valid} ready, ${r.invalid} with problems.`
          }
        >
          {report.refused ? (
            <p className="alert alert--error" role="alert">
              Nothing was imported: {r.invalid === 1 ? '1 row has' : `${r.invalid} rows have`} problems. Fix them and check again, or import only the valid rows.
            </p>
          ) : (
            report.checked &&
            r.invalid > 0 && <p className="muted">Fix the rows with problems and check again, or import only the rows that are ready.</p>
          )}
          {imported && (
            <p className="alert alert--success" role="status">
              {r.imported === 1 ? '1 post is' : `${r.imported} posts are`} scheduled.{' '}
              <Link to={`/w/${workspace.id}/publish/calendar?view=list${firstDay ? `&date=${firstDay}` : ''}`}>See {r.imported === 1 ? 'it' : 'them'} on the calendar</Link>
            </p>
          )}
          <div className="table-wrap">
            <table className="table table--stack import-table">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Profile</th>
                  <th scope="col">Text</th>
                  <th scope="col">When</th>
                  <th scope="col">Campaign</th>
                  <th scope="col">Tags</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {r.rows.map((row) => (
                  <tr key={row.line} className={row.ok ? '' : 'import-row--invalid'} aria-label={`Line ${row.line}`}>
                    <td className="import__line">
                      <span className="import__line-word">Line </span>
                      {row.line}
                    </td>
                    {COLUMNS.map((column) => {
                      const errors = row.errors.filter((e) => e.column === column);
                      return (
                        <td key={column} data-label={column} className={`import__cell import__cell--${column}${errors.length ? ' import__cell--invalid' : ''}`}>
                          <span className="import__value">{cell(row.line, column) || <span className="muted">—</span>}</span>
                          {errors.map((e) => (
                            <span key={e.message} className="import__error">
                              {e.message}
                            </span>
                          ))}
                        </td>
                      );
                    })}
                    <td data-label="Result" className="import__result">
                      {row.postId ? (
                        <Link to={`/w/${workspace.id}/publish/posts/${row.postId}`}>Open post</Link>
                      ) : row.ok ? (
                        <span className="badge badge--success">{imported || !report.checked ? 'Not imported' : 'Ready'}</span>
                      ) : (
                        <span className="badge badge--danger">{row.errors.length === 1 ? '1 problem' : `${row.errors.length} problems`}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.checked && (
            <div className="form-actions form-actions--start">
              <button type="button" className="button button--primary" disabled={r.invalid > 0 || run.isPending} onClick={() => run.mutate({ mode: 'all_or_nothing', dryRun: false })}>
                {r.rows.length === 1 ? 'Import 1 post' : `Import all ${r.rows.length}`}
              </button>
              {r.invalid > 0 && valid > 0 && (
                <button type="button" className="button" disabled={run.isPending} onClick={() => run.mutate({ mode: 'valid_rows', dryRun: false })}>
                  Import valid rows only ({valid})
                </button>
              )}
            </div>
          )}
        </Section>
      )}
    </div>
  );
}
