import { useId, useState } from 'react';

/** Tags as chips: type and press Enter or comma to add, Backspace on an empty field to remove. */
export function TagInput({ tags, onChange }: { tags: string[]; onChange: (tags: string[]) => void }) {
  const id = useId();
  const [text, setText] = useState('');
  const add = (raw: string) => {
    const tag = raw.trim().replace(/^#/, '');
    if (tag && !tags.includes(tag)) onChange([...tags, tag.slice(0, 50)]);
    setText('');
  };
  return (
    <div className="field">
      <label htmlFor={id}>Tags</label>
      <div className="tag-input">
        {tags.length > 0 && (
          <ul className="chips">
            {tags.map((tag) => (
              <li key={tag} className="chip chip--removable">
                {tag}
                <button type="button" aria-label={`Remove tag ${tag}`} onClick={() => onChange(tags.filter((t) => t !== tag))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <input
          id={id}
          type="text"
          value={text}
          placeholder={tags.length ? '' : 'e.g. launch, spring'}
          aria-describedby={`${id}-hint`}
          onChange={(event) => {
            const value = event.target.value;
            if (value.includes(',')) value.split(',').slice(0, -1).forEach(add);
            setText(value.includes(',') ? (value.split(',').pop() ?? '') : value);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              add(text);
            } else if (event.key === 'Backspace' && text === '' && tags.length) {
              onChange(tags.slice(0, -1));
            }
          }}
          onBlur={() => text.trim() && add(text)}
        />
      </div>
      <p className="field__hint" id={`${id}-hint`}>
        Press Enter or type a comma after each tag.
      </p>
    </div>
  );
}
