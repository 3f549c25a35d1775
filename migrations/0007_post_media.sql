ALTER TABLE "post_variants" ADD COLUMN "media_ids" uuid[];--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "media_ids" uuid[] DEFAULT '{}' NOT NULL;