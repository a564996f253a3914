-- +goose Up
-- Country names were read through CLDR tables that also name withdrawn and
-- reserved codes after today's countries, so an import or a correction of
-- "France" stored FX, "Burkina Faso" HV, "Panama" PZ (and a withdrawn code
-- was kept as given). Such codes become today's code, as NormalizeCountry
-- now gives it: one country, one code, for filters and facets. The spelling
-- of a code is no change of the record: updated_at stays (it would end
-- accepted corrections' overlays and reorder "recently updated").
CREATE TEMPORARY TABLE country_successors (old text PRIMARY KEY, new text NOT NULL) ON COMMIT DROP;
INSERT INTO country_successors VALUES
    ('BU', 'MM'), ('CT', 'KI'), ('DD', 'DE'), ('DY', 'BJ'), ('FX', 'FR'), ('HV', 'BF'), ('JT', 'UM'),
    ('MI', 'UM'), ('NH', 'VU'), ('NQ', 'AQ'), ('PU', 'UM'), ('PZ', 'PA'), ('RH', 'ZW'), ('TP', 'TL'),
    ('UK', 'GB'), ('VD', 'VN'), ('WK', 'UM'), ('YD', 'YE'), ('ZR', 'CD');

UPDATE contacts c SET country = s.new
  FROM country_successors s WHERE c.country = s.old;
UPDATE companies c SET country = s.new
  FROM country_successors s WHERE c.country = s.old;
UPDATE contact_corrections c SET new_value = s.new
  FROM country_successors s WHERE c.field = 'country' AND c.new_value = s.old;
UPDATE contact_corrections c SET old_value = s.new
  FROM country_successors s WHERE c.field = 'country' AND c.old_value = s.old;

-- +goose Down
-- The old codes were wrong; nothing to restore.
SELECT 1;
