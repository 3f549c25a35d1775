ALTER TABLE "posts" ADD COLUMN "repeat" jsonb;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "series_id" uuid;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "occurrence" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "posts_series_occurrence_key" ON "posts" USING btree ("series_id","occurrence");