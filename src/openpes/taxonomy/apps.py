from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "openpes.taxonomy"
    verbose_name = "分类标准"
