import type { ReactNode } from 'react';
import { LockedNote } from './LockedNote';

export interface SettingRowProps {
  /** The setting's key: names the lock note's test id. */
  setting: string;
  title: string;
  help: ReactNode;
  locked: boolean;
  /** The id of the control the title labels; omitted for a group (checkboxes) labelled by `title` itself. */
  htmlFor?: string;
  children: ReactNode;
}

/** One setting per row: what it is and a line of help on the left, the control on the right. */
export function SettingRow({ setting, title, help, locked, htmlFor, children }: SettingRowProps) {
  const titleId = `aitl-setting-${setting}-title`;
  return (
    <div className="setting" data-locked={locked} role={htmlFor ? undefined : 'group'} aria-labelledby={htmlFor ? undefined : titleId}>
      <div>
        {htmlFor ? (
          <label className="setting-title" id={titleId} htmlFor={htmlFor}>
            {title}
          </label>
        ) : (
          <span className="setting-title" id={titleId}>
            {title}
          </span>
        )}
        <span className="setting-help">{help}</span>
        {locked && <LockedNote setting={setting} />}
      </div>
      <div className="setting-control">{children}</div>
    </div>
  );
}
