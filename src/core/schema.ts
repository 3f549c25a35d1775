// Every table Chorus owns, for Drizzle's typed queries and for drizzle-kit's migration generator.
export * from '../auth/schema.ts';
export * from '../workspaces/schema.ts';
export * from './jobs-schema.ts';
export * from '../profiles/schema.ts';
export * from '../publishing/schema.ts';
export * from '../links/schema.ts';
export * from '../notifications/schema.ts';
export * from '../media/schema.ts';
export * from '../inbox/schema.ts';
export * from '../approvals/schema.ts';
