CREATE TABLE "posting_slots" (
	"profile_id" uuid NOT NULL,
	"weekday" smallint NOT NULL,
	"time" text NOT NULL,
	CONSTRAINT "posting_slots_profile_id_weekday_time_pk" PRIMARY KEY("profile_id","weekday","time")
);
--> statement-breakpoint
ALTER TABLE "posting_slots" ADD CONSTRAINT "posting_slots_profile_id_social_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."social_profiles"("id") ON DELETE cascade ON UPDATE no action;