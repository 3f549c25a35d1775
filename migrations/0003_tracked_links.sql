CREATE TABLE "link_clicks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"link_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"referrer_host" text,
	"agent_class" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "link_settings" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"shorten_links" boolean DEFAULT true NOT NULL,
	"utm_medium" text DEFAULT 'social' NOT NULL,
	"default_campaign" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tracked_links" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"code" text NOT NULL,
	"target_url" text NOT NULL,
	"original_url" text NOT NULL,
	"post_id" uuid,
	"variant_id" uuid,
	"position" integer DEFAULT 0 NOT NULL,
	"network" text,
	"campaign_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "link_clicks" ADD CONSTRAINT "link_clicks_link_id_tracked_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."tracked_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link_settings" ADD CONSTRAINT "link_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracked_links" ADD CONSTRAINT "tracked_links_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "link_clicks_link_at_idx" ON "link_clicks" USING btree ("link_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "tracked_links_code_key" ON "tracked_links" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "tracked_links_variant_position_key" ON "tracked_links" USING btree ("variant_id","position");--> statement-breakpoint
CREATE INDEX "tracked_links_post_idx" ON "tracked_links" USING btree ("post_id");