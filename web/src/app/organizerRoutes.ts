// The organizer pages, split into their own chunk.
export { OrganizerHome, NewEventPage, OrganizerEventLayout, OverviewTab, EditTab } from '@/features/organizer/OrganizerPages';
export { RegistrationsTab } from '@/features/organizer/RegistrationsTab';
export { PromoCodesTab } from '@/features/organizer/PromoCodesTab';
export { DoorTab } from '@/features/checkin/DoorTab';
