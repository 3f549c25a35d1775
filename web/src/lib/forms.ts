/** A form's fields as strings, by name. */
export const formValues = (form: HTMLFormElement): Record<string, string> =>
  Object.fromEntries([...new FormData(form).entries()].map(([key, value]) => [key, String(value)]));
